package io.driftwatch.cli;

import io.driftwatch.exporter.Exporter;
import io.driftwatch.exporter.ExporterConfig;
import io.driftwatch.jobs.Topics;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Serves the metrics topic on Prometheus /metrics until interrupted. */
@Command(
    name = "exporter",
    mixinStandardHelpOptions = true,
    description = "Reads the metrics topic and serves it on Prometheus /metrics.")
final class ExporterCommand implements Callable<Integer> {
  @Option(
      names = "--kafka",
      defaultValue = "${DRIFTWATCH_KAFKA:-localhost:9092}",
      description = "Kafka bootstrap servers (env DRIFTWATCH_KAFKA; default ${DEFAULT-VALUE}).")
  String kafka;

  @Option(
      names = "--topic",
      defaultValue = "${DRIFTWATCH_EXPORTER_TOPIC:-" + Topics.METRICS + "}",
      description = "Metrics topic (env DRIFTWATCH_EXPORTER_TOPIC; default ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--listen",
      defaultValue = "${DRIFTWATCH_EXPORTER_LISTEN:-0.0.0.0:9464}",
      description =
          "host:port of /metrics (env DRIFTWATCH_EXPORTER_LISTEN; default ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--series-ttl",
      defaultValue = "${DRIFTWATCH_EXPORTER_SERIES_TTL:-1h}",
      description = "Stop exposing a series not updated for this long (default ${DEFAULT-VALUE}).")
  Duration seriesTtl;

  @Override
  public Integer call() throws InterruptedException {
    HostPort hp = HostPort.parse("--listen", listen);
    Exporter exporter =
        Exporter.start(new ExporterConfig(kafka, topic, hp.host(), hp.port(), seriesTtl));
    System.out.println(
        "Serving " + topic + " on http://" + hp.host() + ":" + exporter.port() + "/metrics");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  exporter.close();
                  stop.countDown();
                }));
    stop.await();
    return Driftwatch.OK;
  }
}
