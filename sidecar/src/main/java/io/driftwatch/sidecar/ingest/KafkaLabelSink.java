package io.driftwatch.sidecar.ingest;

import io.driftwatch.schema.v1.LabelRecord;
import io.driftwatch.sidecar.capture.KafkaSender;
import io.driftwatch.sidecar.capture.RecordSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Produces label records to Kafka: key the prediction id (so a label lands in the partition the
 * stream job joins it from), value the record's Protobuf bytes. Same producer settings and
 * fail-open behaviour as the prediction sink ({@link KafkaSender}), with a producer of its own.
 */
public final class KafkaLabelSink implements LabelSink {
  private final KafkaSender sender;

  /**
   * @param bootstrapServers the brokers, {@code host:port[,host:port…]}
   * @param topic the labels topic
   * @param overrides producer settings that replace the defaults
   * @throws IllegalArgumentException when a setting is unknown to Kafka or has a bad value
   */
  public KafkaLabelSink(String bootstrapServers, String topic, Map<String, String> overrides) {
    this.sender = new KafkaSender(bootstrapServers, topic, "driftwatch-sidecar-labels", overrides);
  }

  @Override
  public void send(LabelRecord label, RecordSink.Outcome outcome) {
    sender.send(
        label.getPredictionId().getBytes(StandardCharsets.UTF_8), label.toByteArray(), outcome);
  }

  @Override
  public void close(Duration timeout) {
    sender.close(timeout);
  }
}
