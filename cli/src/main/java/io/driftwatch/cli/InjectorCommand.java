package io.driftwatch.cli;

import io.driftwatch.sidecar.injector.InjectorConfig;
import io.driftwatch.sidecar.injector.InjectorServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the admission webhook that injects the sidecar into annotated pods. */
@Command(
    name = "injector",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Kubernetes mutating admission webhook (HTTPS, AdmissionReview v1) that adds the",
      "Driftwatch sidecar to pods annotated driftwatch.io/inject: \"true\". It never blocks a pod.",
      "",
      "Every option is also an environment variable DRIFTWATCH_INJECTOR_<KEY>; options win.",
      "All keys, the traffic routing and the Service change: docs/injector.md."
    })
final class InjectorCommand implements Callable<Integer> {
  @Option(names = "--listen", description = "host:port of the HTTPS server (default 0.0.0.0:8443).")
  String listen;

  @Option(
      names = "--tls-cert",
      description = "PEM certificate chain (default /etc/driftwatch/tls/tls.crt).")
  String tlsCert;

  @Option(
      names = "--tls-key",
      description = "PEM private key (default /etc/driftwatch/tls/tls.key).")
  String tlsKey;

  @Option(names = "--image", description = "The sidecar image to inject (required).")
  String image;

  @Option(
      names = "--kafka",
      description = "Kafka bootstrap servers the injected sidecars use (required).")
  String kafka;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any configuration key, e.g. --set memory.limit=768Mi. Repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    InjectorConfig.Builder b = InjectorConfig.builderFromEnvironment(System.getenv());
    if (listen != null) {
      HostPort hp = HostPort.parse("--listen", listen);
      b.set("listen.host", hp.host()).set("listen.port", String.valueOf(hp.port()));
    }
    if (tlsCert != null) {
      b.set("tls.cert", tlsCert);
    }
    if (tlsKey != null) {
      b.set("tls.key", tlsKey);
    }
    if (image != null) {
      b.image(image);
    }
    if (kafka != null) {
      b.set("kafka.bootstrap.servers", kafka);
    }
    settings.forEach(b::set);
    InjectorServer server = InjectorServer.start(b.build());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  try {
                    server.awaitTermination();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    System.out.println("Sidecar injector on https://:" + server.port() + "/mutate");
    server.awaitTermination();
    return Driftwatch.OK;
  }
}
