package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.v1.PredictionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Produces prediction records to Kafka: key {@code model/version}, value the record's Protobuf
 * bytes, through a {@link KafkaSender} (idempotent, {@code acks=all}, bounded blocking; see there).
 */
public final class KafkaRecordSink implements RecordSink {
  private static final String CLIENT_ID = "driftwatch-sidecar";

  private final KafkaSender sender;

  /**
   * @param bootstrapServers the brokers, {@code host:port[,host:port…]}
   * @param topic the topic to produce to
   * @param overrides producer settings that replace the defaults (serializers excepted)
   * @throws IllegalArgumentException when a setting is unknown to Kafka or has a bad value
   */
  public KafkaRecordSink(String bootstrapServers, String topic, Map<String, String> overrides) {
    this.sender = new KafkaSender(bootstrapServers, topic, CLIENT_ID, overrides);
  }

  /** The producer settings this sink uses. */
  static Map<String, Object> producerConfig(
      String bootstrapServers, Map<String, String> overrides) {
    return KafkaSender.producerConfig(bootstrapServers, CLIENT_ID, overrides);
  }

  @Override
  public void send(PredictionRecord record, Outcome outcome) {
    byte[] key =
        (record.getModel() + "/" + record.getModelVersion()).getBytes(StandardCharsets.UTF_8);
    sender.send(key, record.toByteArray(), outcome);
  }

  @Override
  public void close(Duration timeout) {
    sender.close(timeout);
  }
}
