package io.driftwatch.cli;

import io.driftwatch.sidecar.SidecarConfig;
import io.driftwatch.sidecar.SidecarServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the capture proxy in front of a model server. */
@Command(
    name = "sidecar",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the inference sidecar: an HTTP proxy in front of a model server that captures every",
      "prediction off the request path and sends it to Kafka. Inference never waits on Kafka.",
      "",
      "Every option is also an environment variable DRIFTWATCH_SIDECAR_<KEY> (key upper-cased,",
      "dots as underscores, e.g. DRIFTWATCH_SIDECAR_KAFKA_BOOTSTRAP_SERVERS); options win.",
      "All keys, with defaults: docs/operations.md."
    })
final class SidecarCommand implements Callable<Integer> {
  @Option(names = "--upstream", description = "The model server, http://host:port.")
  String upstream;

  @Option(
      names = "--upstream-grpc",
      description =
          "The model server's gRPC port, http://host:port; gRPC clients use the proxy port too"
              + " (default: --upstream).")
  String upstreamGrpc;

  @Option(
      names = "--otlp-endpoint",
      description =
          "Export a span per request over OTLP/HTTP to this collector, e.g."
              + " http://otel-collector:4318 (default: off; also OTEL_EXPORTER_OTLP_ENDPOINT).")
  String otlpEndpoint;

  @Option(
      names = "--listen",
      description = "host:port the proxy listens on (default 0.0.0.0:8081).")
  String listen;

  @Option(
      names = "--admin-listen",
      description = "host:port of /metrics and /healthz/* (default 0.0.0.0:9091).")
  String adminListen;

  @Option(names = "--kafka", description = "Kafka bootstrap servers (default 127.0.0.1:9092).")
  String kafka;

  @Option(names = "--topic", description = "Predictions topic (default driftwatch.predictions).")
  String topic;

  @Option(
      names = "--model",
      description = "Model name to record (default: from the URL or response).")
  String model;

  @Option(
      names = "--model-version",
      description = "Model version to record (default: from the URL or response).")
  String modelVersion;

  @Option(
      names = "--sampling-rate",
      description =
          "Share of successful predictions captured, 0..1; errors always are (default 1).")
  String samplingRate;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Any configuration key, e.g. --set capture.queue.records=20000 or"
              + " --set kafka.producer.linger.ms=10. Repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  SidecarConfig config(Map<String, String> environment) {
    SidecarConfig.Builder b = SidecarConfig.fromEnvironment(environment).toBuilder();
    if (upstream != null) {
      b.upstream(upstream);
    }
    if (upstreamGrpc != null) {
      b.set("upstream.grpc", upstreamGrpc);
    }
    if (otlpEndpoint != null) {
      b.set("otlp.endpoint", otlpEndpoint);
    }
    if (listen != null) {
      HostPort hp = HostPort.parse("--listen", listen);
      b.listenHost(hp.host()).listenPort(hp.port());
    }
    if (adminListen != null) {
      HostPort hp = HostPort.parse("--admin-listen", adminListen);
      b.adminHost(hp.host()).adminPort(hp.port());
    }
    if (kafka != null) {
      b.kafkaBootstrapServers(kafka);
    }
    if (topic != null) {
      b.topic(topic);
    }
    if (model != null) {
      b.model(model);
    }
    if (modelVersion != null) {
      b.modelVersion(modelVersion);
    }
    if (samplingRate != null) {
      b.set("sampling.rate", samplingRate);
    }
    settings.forEach(b::set);
    return b.build();
  }

  @Override
  public Integer call() throws InterruptedException {
    SidecarConfig config = config(System.getenv());
    SidecarServer.disableLeakDetectionUnlessConfigured();
    SidecarServer sidecar = SidecarServer.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(sidecar::close));
    System.out.println(
        "Sidecar on :"
            + sidecar.port()
            + " -> "
            + config.upstream()
            + "; predictions to "
            + config.kafkaBootstrapServers()
            + "/"
            + config.topic()
            + "; metrics on :"
            + sidecar.adminPort()
            + "/metrics");
    sidecar.awaitTermination();
    return Driftwatch.OK;
  }
}
