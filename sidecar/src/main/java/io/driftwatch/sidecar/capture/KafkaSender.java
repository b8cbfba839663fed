package io.driftwatch.sidecar.capture;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces keyed byte records to one Kafka topic without ever blocking for long: the engine of
 * {@link KafkaRecordSink} (prediction records) and of the label sink. The producer is idempotent
 * with {@code acks=all}, {@code linger.ms=1000} and 256 KiB batches (few, large produce requests:
 * at saturation the broker spends a quarter of the CPU per record it does with the client's 5 ms
 * and 16 KiB, and the sender thread is woken once per batch; below saturation one request a second,
 * because every produce round trip takes a CPU for a few hundred microseconds, which the proxy's
 * requests in flight then wait for), lz4 compression and {@code max.block.ms=500}, so a send
 * without broker metadata or buffer space fails after half a second instead of the client default
 * of a minute. When the broker goes away, records already handed over are retried by the producer
 * until {@code delivery.timeout.ms} (2 min by default) and delivered when it returns; no restart is
 * needed. A record the producer cannot take (no metadata, buffer full) is offered again every
 * {@code max.block.ms} for up to {@code delivery.timeout.ms}, then dropped ({@link
 * DropReason#KAFKA_TIMEOUT}): while it waits, the caller's bounded queue fills and counts its
 * overflow, so inference is never held up and memory stays bounded.
 *
 * <p>The producer is created on the first send rather than in the constructor, and re-tried at most
 * every 5 s when creation fails (e.g. the bootstrap host does not resolve yet), so the sidecar
 * starts, and serves inference, while Kafka is not there. One thread sends; outcomes arrive on the
 * producer's thread.
 */
public final class KafkaSender {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSender.class);
  private static final long CREATE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String topic;
  private final Map<String, Object> config;
  private final long deliveryTimeoutMs;
  private final ThrottledLog throttled = new ThrottledLog(LOG, 60, TimeUnit.SECONDS);
  private volatile Producer<byte[], byte[]> producer;
  private long nextCreateNanos = System.nanoTime();
  private volatile boolean closing;
  private boolean closed;

  /**
   * @param bootstrapServers the brokers, {@code host:port[,host:port…]}
   * @param topic the topic to produce to
   * @param clientId the producer's {@code client.id}; distinct per producer in one process
   * @param overrides producer settings that replace the defaults above (serializers excepted)
   * @throws IllegalArgumentException when a setting is unknown to Kafka or has a bad value
   */
  public KafkaSender(
      String bootstrapServers, String topic, String clientId, Map<String, String> overrides) {
    this.topic = topic;
    this.config = producerConfig(bootstrapServers, clientId, overrides);
    for (String key : overrides.keySet()) {
      if (!ProducerConfig.configNames().contains(key)) {
        throw new IllegalArgumentException(
            "producerOverrides: " + key + " (expected: a Kafka producer setting)");
      }
    }
    ProducerConfig parsed;
    try {
      // Parses and checks every setting now, so a bad override fails at start-up, not per record.
      parsed = new ProducerConfig(config);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "producerOverrides: "
              + overrides
              + " (expected: valid Kafka producer settings: "
              + e.getMessage()
              + ")",
          e);
    }
    this.deliveryTimeoutMs = parsed.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
  }

  /** The producer settings this sink uses. */
  static Map<String, Object> producerConfig(
      String bootstrapServers, String clientId, Map<String, String> overrides) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 1000);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
    c.putAll(overrides);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return c;
  }

  /**
   * Hands over one record. Blocks at most about {@code delivery.timeout.ms} while Kafka cannot take
   * it (never on an event loop). Reports the outcome exactly once, now or later, from any thread.
   */
  public void send(byte[] key, byte[] value, RecordSink.Outcome outcome) {
    if (closing) {
      outcome.dropped(DropReason.SHUTDOWN);
      return;
    }
    Producer<byte[], byte[]> p = producer();
    if (p == null) {
      outcome.dropped(DropReason.KAFKA_UNAVAILABLE);
      return;
    }
    ProducerRecord<byte[], byte[]> message = new ProducerRecord<>(topic, key, value);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deliveryTimeoutMs);
    while (true) {
      Attempt attempt = new Attempt(outcome);
      try {
        p.send(message, attempt);
      } catch (InterruptException e) {
        // Only the worker's close interrupts a send.
        outcome.dropped(DropReason.SHUTDOWN);
        return;
      } catch (KafkaException | IllegalStateException e) {
        outcome.dropped(reason(e));
        throttled.warn(
            "send:" + e.getClass().getSimpleName(), "sidecar: cannot hand a record to Kafka", e);
        return;
      } finally {
        attempt.returned = true;
      }
      if (attempt.refused == null) {
        return;
      }
      // No metadata (the broker is away; the client re-bootstraps and forgets the topic) or no
      // buffer space within max.block.ms. Hold the record, as the producer holds the ones it
      // already has: meanwhile the capture queue absorbs traffic and counts what overflows.
      if (closing || Thread.currentThread().isInterrupted() || System.nanoTime() > deadline) {
        outcome.dropped(closing ? DropReason.SHUTDOWN : DropReason.KAFKA_TIMEOUT);
        throttled.warn("send:timeout", "sidecar: Kafka did not take a record", attempt.refused);
        return;
      }
      throttled.warn("send:waiting", "sidecar: waiting for Kafka to take records", attempt.refused);
    }
  }

  /**
   * One call of {@code send}. The producer reports a record it could not take within {@code
   * max.block.ms} by calling back at once on the calling thread; such a refusal is noted for a
   * retry instead of being reported. Every other completion is the record's outcome.
   */
  private final class Attempt implements Callback {
    private final RecordSink.Outcome outcome;
    private final Thread caller = Thread.currentThread();
    volatile boolean returned;
    Exception refused;

    Attempt(RecordSink.Outcome outcome) {
      this.outcome = outcome;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
      if (!returned && e instanceof TimeoutException && Thread.currentThread() == caller) {
        refused = e;
        return;
      }
      delivered(outcome, e);
    }
  }

  private void delivered(RecordSink.Outcome outcome, Exception e) {
    if (e == null) {
      outcome.sent();
      return;
    }
    outcome.dropped(reason(e));
    throttled.warn(
        "deliver:" + e.getClass().getSimpleName(), "sidecar: record not delivered to " + topic, e);
  }

  private String reason(Exception e) {
    if (closing) {
      return DropReason.SHUTDOWN;
    }
    if (e instanceof TimeoutException) {
      return DropReason.KAFKA_TIMEOUT;
    }
    if (e instanceof RecordTooLargeException) {
      return DropReason.RECORD_TOO_LARGE;
    }
    return DropReason.KAFKA_ERROR;
  }

  private Producer<byte[], byte[]> producer() {
    if (producer != null || closed) {
      return producer;
    }
    long now = System.nanoTime();
    if (now - nextCreateNanos < 0) {
      return null;
    }
    try {
      producer = new KafkaProducer<>(config);
    } catch (KafkaException e) {
      nextCreateNanos = now + CREATE_RETRY_NANOS;
      throttled.warn("create", "sidecar: cannot create the Kafka producer", e);
    }
    return producer;
  }

  /**
   * Delivers what the producer holds within {@code timeout}; what is still pending is reported
   * dropped ({@link DropReason#SHUTDOWN}). Idempotent.
   */
  public synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    closing = true;
    closed = true;
    if (producer != null) {
      // Sends still pending after the timeout are aborted; their callbacks report SHUTDOWN.
      producer.close(timeout);
    }
  }
}
