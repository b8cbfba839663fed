package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.v1.PredictionRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink for tests: keeps what it is sent, or drops everything with a given reason. */
public final class ListSink implements RecordSink {
  public final List<PredictionRecord> records = new CopyOnWriteArrayList<>();
  private final String dropReason;
  private volatile boolean closed;

  public ListSink() {
    this(null);
  }

  /** A sink that drops every record with {@code dropReason}; null keeps them. */
  public ListSink(String dropReason) {
    this.dropReason = dropReason;
  }

  @Override
  public void send(PredictionRecord record, Outcome outcome) {
    if (closed) {
      outcome.dropped(DropReason.SHUTDOWN);
    } else if (dropReason != null) {
      outcome.dropped(dropReason);
    } else {
      records.add(record);
      outcome.sent();
    }
  }

  @Override
  public void close(Duration timeout) {
    closed = true;
  }

  public boolean closed() {
    return closed;
  }
}
