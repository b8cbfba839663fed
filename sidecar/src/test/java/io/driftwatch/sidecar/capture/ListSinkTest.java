package io.driftwatch.sidecar.capture;

/** The test fake keeps the sink contract, so tests that use it stay honest. */
class ListSinkTest extends RecordSinkContract {
  @Override
  protected RecordSink newSink() {
    return new ListSink();
  }
}
