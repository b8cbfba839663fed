package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaRecordSinkTest {

  @Test
  void defaultsAreIdempotentAllAcksLz4AndShortBlocking() {
    Map<String, Object> c = KafkaRecordSink.producerConfig("k:9092", Map.of());
    assertThat(c)
        .containsEntry("bootstrap.servers", "k:9092")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("compression.type", "lz4")
        .containsEntry("linger.ms", 1000)
        .containsEntry("batch.size", 256 * 1024)
        .containsEntry("max.block.ms", 500);
  }

  @Test
  void overridesReplaceDefaults() {
    Map<String, Object> c = KafkaRecordSink.producerConfig("k:9092", Map.of("linger.ms", "50"));
    assertThat(c).containsEntry("linger.ms", "50");
  }

  @Test
  void badOverridesFailAtConstruction() {
    assertThatThrownBy(() -> new KafkaRecordSink("k:9092", "t", Map.of("linger.mss", "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("producerOverrides: linger.mss (expected: a Kafka producer setting)");
    assertThatThrownBy(() -> new KafkaRecordSink("k:9092", "t", Map.of("acks", "some")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("producerOverrides: {acks=some} (expected: valid Kafka producer");
  }

  @Test
  void constructingConnectsToNothing() {
    // The producer is created on the first send, so an absent cluster cannot fail start-up.
    KafkaRecordSink sink = new KafkaRecordSink("nowhere.invalid:9092", "t", Map.of());
    sink.close();
  }
}
