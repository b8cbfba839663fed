package io.driftwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.embedded.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @Test
  void producesAndConsumesOnARealBroker() throws Exception {
    try (KafkaFixture kafka = KafkaFixture.start()) {
      kafka.createTopic("it.roundtrip", 2);
      try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("it.roundtrip", bytes("k" + i), bytes("v" + i))).get();
        }
      }
      assertThat(kafka.readTopic("it.roundtrip", 10, Duration.ofSeconds(30))).hasSize(10);
    }
  }

  @Test
  void aRestartOnTheSameDirectoryKeepsTheData(@TempDir Path dir) throws Exception {
    EmbeddedKafka.Options options = EmbeddedKafka.Options.defaults().withDataDir(dir);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(options)) {
      kafka.createTopic("it.durable", 1);
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
        producer.send(new ProducerRecord<>("it.durable", bytes("kept"))).get();
      }
    }
    assertThat(Files.exists(dir.resolve("server.properties"))).isTrue();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(options)) {
      try (var admin = kafka.admin()) {
        assertThat(admin.listTopics().names().get()).contains("it.durable");
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    var p = new java.util.Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("acks", "all");
    return new KafkaProducer<>(
        p,
        new org.apache.kafka.common.serialization.ByteArraySerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
