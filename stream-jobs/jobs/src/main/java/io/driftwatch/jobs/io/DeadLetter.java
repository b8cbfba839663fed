package io.driftwatch.jobs.io;

/** A record that could not be read, with the reason; written unchanged to the DLQ topic. */
public final class DeadLetter {
  /** Bounded category for metrics, e.g. {@code not_protobuf}. */
  public String reasonCode;

  /** The full reason, for people. */
  public String reason;

  public String source;
  public byte[] key;
  public byte[] value;

  public DeadLetter() {}

  public DeadLetter(String reasonCode, String reason, RawRecord raw) {
    this.reasonCode = reasonCode;
    this.reason = reason;
    this.source = raw.source();
    this.key = raw.key;
    this.value = raw.value;
  }
}
