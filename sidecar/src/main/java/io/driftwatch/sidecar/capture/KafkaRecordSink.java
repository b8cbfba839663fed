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

  // Used from the capture worker only (RecordSink#send has one caller), so no synchronization.
  private final PredictionRecordWriter writer = new PredictionRecordWriter();

  // The last key and what it was made of: a sidecar almost always serves one model version, so
  // the key is the same for every record and need not be concatenated and encoded each time.
  // Sharing one array between records is safe: Kafka only reads a key.
  private String keyModel = "";
  private String keyVersion = "";
  private byte[] key = "/".getBytes(StandardCharsets.UTF_8);

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
    sender.send(key(record.getModel(), record.getModelVersion()), writer.encode(record), outcome);
  }

  /** {@code model/version} in UTF-8, from the cache when it is the last record's. */
  private byte[] key(String model, String version) {
    if (!model.equals(keyModel) || !version.equals(keyVersion)) {
      key = (model + "/" + version).getBytes(StandardCharsets.UTF_8);
      keyModel = model;
      keyVersion = version;
    }
    return key;
  }

  @Override
  public void close(Duration timeout) {
    sender.close(timeout);
  }
}
