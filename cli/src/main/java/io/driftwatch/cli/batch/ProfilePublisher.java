package io.driftwatch.cli.batch;

import io.driftwatch.jobs.drift.ProfileEnvelope;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a reference profile to the monitor job's profiles topic, where the running job picks it
 * up as broadcast state (no restart): key {@code model/version}, value the {@link ProfileEnvelope}.
 * The producer is idempotent with acks=all, like every Driftwatch producer, and the send is
 * confirmed before the command reports success.
 */
final class ProfilePublisher {

  /** Thrown when the broker cannot be reached or does not confirm the record in time. */
  static final class PublishException extends Exception {
    private static final long serialVersionUID = 1L;

    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ProfilePublisher() {}

  /** Sends {@code envelope} and waits up to {@code timeout} for the broker to confirm it. */
  static RecordMetadata publish(
      String bootstrapServers, String topic, ProfileEnvelope envelope, Duration timeout)
      throws PublishException, InterruptedException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "driftwatch-profile");
    // A profile can be large (many columns, big sketches); the broker's default limit is 1 MiB.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    int ms = (int) Math.min(Integer.MAX_VALUE - 1000, timeout.toMillis());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 30_000));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms + 1000); // > request timeout + linger
    String where = topic + " at " + bootstrapServers;
    KafkaProducer<byte[], byte[]> producer;
    try {
      producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new PublishException("cannot publish to " + where + ": " + rootMessage(e), e);
    }
    try {
      return producer
          .send(new ProducerRecord<>(topic, envelope.kafkaKey(), envelope.encode()))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PublishException(
          "cannot publish to " + where + ": " + rootMessage(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new PublishException(
          "cannot publish to " + where + ": no confirmation within " + timeout.toSeconds() + " s",
          e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new PublishException("cannot publish to " + where + ": " + rootMessage(e), e);
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
  }
}
