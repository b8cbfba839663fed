package io.driftwatch.jobs.io;

/** A record already encoded for Kafka: the job's outputs travel to their sinks in this form. */
public final class EncodedRecord {
  public byte[] key;
  public byte[] value;

  public EncodedRecord() {}

  public EncodedRecord(byte[] key, byte[] value) {
    this.key = key;
    this.value = value;
  }
}
