package io.driftwatch.exporter;

import java.time.Duration;
import java.util.Objects;

/**
 * How the exporter runs.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topic the metrics topic written by the monitor job
 * @param host the address /metrics binds to
 * @param port the /metrics port; 0 for a free one
 * @param seriesTtl a series not updated for this long is no longer exposed (a model version that
 *     stopped serving disappears instead of reporting its last window forever)
 */
public record ExporterConfig(
    String bootstrapServers, String topic, String host, int port, Duration seriesTtl) {

  /** The default /metrics port. */
  public static final int DEFAULT_PORT = 9464;

  public ExporterConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          "bootstrapServers: '" + bootstrapServers + "' (expected: host:port[,host:port])");
    }
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic: '" + topic + "' (expected: non-empty)");
    }
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if (seriesTtl == null || seriesTtl.isNegative() || seriesTtl.isZero()) {
      throw new IllegalArgumentException("seriesTtl: " + seriesTtl + " (expected: > 0)");
    }
  }

  public static ExporterConfig defaults(String bootstrapServers, String topic) {
    return new ExporterConfig(
        bootstrapServers, topic, "0.0.0.0", DEFAULT_PORT, Duration.ofHours(1));
  }

  public ExporterConfig withListen(String h, int p) {
    return new ExporterConfig(bootstrapServers, topic, h, p, seriesTtl);
  }
}
