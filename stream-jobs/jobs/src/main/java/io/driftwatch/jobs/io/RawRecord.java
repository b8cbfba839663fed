package io.driftwatch.jobs.io;

/**
 * A Kafka record as it came off the wire, before decoding: decoding happens in an operator so a bad
 * record can be routed to the dead-letter topic instead of failing the source.
 */
public final class RawRecord {
  public String topic;
  public int partition;
  public long offset;
  public long timestampMillis;
  public byte[] key;
  public byte[] value;

  public RawRecord() {}

  public RawRecord(
      String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestampMillis = timestampMillis;
    this.key = key;
    this.value = value;
  }

  /** {@code topic-partition@offset}, as written into dead-letter headers. */
  public String source() {
    return topic + "-" + partition + "@" + offset;
  }
}
