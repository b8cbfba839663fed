package io.driftwatch.embedded.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A Kafka broker for integration tests. {@code -Dkafka.fixture=embedded} (the default) starts the
 * in-process KRaft broker; {@code -Dkafka.fixture=testcontainers} takes one from Testcontainers'
 * Kafka container on hosts that run Docker.
 */
public interface KafkaFixture extends AutoCloseable {

  /** The property that selects the fixture. */
  String PROPERTY = "kafka.fixture";

  /** Starts the fixture the build asked for. */
  static KafkaFixture start() {
    String kind = System.getProperty(PROPERTY, "embedded");
    return switch (kind) {
      case "embedded", "" -> new EmbeddedKafkaFixture();
      case "testcontainers" -> new TestcontainersKafkaFixture();
      default ->
          throw new IllegalArgumentException(
              PROPERTY + ": " + kind + " (expected: embedded, testcontainers)");
    };
  }

  String bootstrapServers();

  /** Creates a topic unless it exists. */
  void createTopic(String name, int partitions);

  @Override
  void close();

  /** A byte-array producer: idempotent, acks=all, as Driftwatch's own producers are. */
  default KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Reads a topic from the beginning until {@code count} records arrived or {@code timeout} passed,
   * with read_committed isolation, and returns what it read.
   */
  default List<ConsumerRecord<byte[], byte[]>> readTopic(
      String topic, int count, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<org.apache.kafka.common.TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
