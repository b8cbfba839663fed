package io.driftwatch.exporter;

import io.driftwatch.schema.Decoded;
import io.driftwatch.schema.MetricCatalog;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.MetricType;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the metrics topic on Prometheus /metrics.
 *
 * <p>It reads every partition of the topic from the beginning with {@code read_committed} isolation
 * (so only samples of completed checkpoints are seen) and keeps the latest sample of each series.
 * Counters are running totals computed by the job, so a restarted exporter rebuilds the same values
 * from the topic; no consumer group or offset is needed. Samples with names missing from {@link
 * MetricCatalog} are counted as rejected and not exposed: only documented names reach Prometheus.
 */
public final class Exporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);
  private static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);

  private final ExporterConfig config;
  private final SeriesStore store;
  private final HTTPServer http;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread reader;
  private final Counter consumed;
  private final Counter rejected;
  private final AtomicLong consumedCount = new AtomicLong();
  private volatile boolean running = true;

  private Exporter(ExporterConfig config) throws IOException {
    this.config = config;
    this.store = new SeriesStore(config.seriesTtl().toMillis(), System::currentTimeMillis);
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new SampleCollector(store));
    consumed =
        Counter.builder()
            .name(MetricCatalog.EXPORTER_SAMPLES_CONSUMED_TOTAL.metricName())
            .help(MetricCatalog.EXPORTER_SAMPLES_CONSUMED_TOTAL.help())
            .register(registry);
    rejected =
        Counter.builder()
            .name(MetricCatalog.EXPORTER_SAMPLES_REJECTED_TOTAL.metricName())
            .help(MetricCatalog.EXPORTER_SAMPLES_REJECTED_TOTAL.help())
            .labelNames("reason")
            .register(registry);
    GaugeWithCallback.builder()
        .name(MetricCatalog.EXPORTER_SERIES.metricName())
        .help(MetricCatalog.EXPORTER_SERIES.help())
        .callback(cb -> cb.call(store.size()))
        .register(registry);
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "driftwatch-exporter"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    http =
        HTTPServer.builder()
            .hostname(config.host())
            .port(config.port())
            .registry(registry)
            .buildAndStart();
    reader = new Thread(this::readLoop, "driftwatch-exporter-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts reading the topic and serving /metrics.
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static Exporter start(ExporterConfig config) {
    try {
      return new Exporter(config);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "exporter: cannot listen on " + config.host() + ":" + config.port(), e);
    }
  }

  /** The port /metrics is served on. */
  public int port() {
    return http.getPort();
  }

  /** Samples read from the topic so far, rejected ones included. */
  public long samplesConsumed() {
    return consumedCount.get();
  }

  /** Series currently exposed. */
  public int series() {
    return store.size();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
  }

  private void readLoop() {
    long nextRefresh = 0;
    try {
      while (running) {
        if (System.currentTimeMillis() >= nextRefresh) {
          assignNewPartitions();
          nextRefresh = System.currentTimeMillis() + PARTITION_REFRESH.toMillis();
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          accept(r.value());
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop.
    } catch (RuntimeException e) {
      LOG.error("exporter: reading {} failed; /metrics keeps the last values", config.topic(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void assignNewPartitions() {
    List<TopicPartition> partitions =
        consumer.partitionsFor(config.topic()).stream()
            .map(p -> new TopicPartition(config.topic(), p.partition()))
            .toList();
    if (!consumer.assignment().containsAll(partitions)) {
      List<TopicPartition> added =
          partitions.stream().filter(p -> !consumer.assignment().contains(p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(added);
    }
  }

  private void accept(byte[] value) {
    consumedCount.incrementAndGet();
    consumed.inc();
    Decoded<MetricSample> d = Records.decodeMetric(value);
    if (!d.isOk()) {
      rejected.labelValues(d.reasonCode()).inc();
      return;
    }
    MetricSample s = d.value();
    if (MetricCatalog.byName(s.getName()).isEmpty()) {
      rejected.labelValues("unknown_metric").inc();
      return;
    }
    if ((s.getType() == MetricType.SUMMARY) != s.hasSummary()) {
      rejected.labelValues("invalid").inc();
      return;
    }
    store.update(s);
  }
}
