package io.driftwatch.cli;

import io.driftwatch.demo.ModelServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Serves the demo model over KServe v2 REST until interrupted. */
@Command(
    name = "model-server",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the demo credit-risk model (ONNX Runtime; CUDA when available) over KServe v2 /",
      "Open Inference Protocol REST. It stands in for a GPU model-serving pod."
    })
final class ModelServerCommand implements Callable<Integer> {
  @Option(
      names = "--listen",
      defaultValue = "${DRIFTWATCH_MODEL_LISTEN:-127.0.0.1:8000}",
      description = "host:port (env DRIFTWATCH_MODEL_LISTEN; default ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--latency-mean",
      defaultValue = "${DRIFTWATCH_MODEL_LATENCY_MEAN_MS:-2}",
      description =
          "Mean of the extra, log-normal latency added to each inference, in ms (default"
              + " ${DEFAULT-VALUE}).")
  double latencyMeanMillis;

  @Option(
      names = "--failure-rate",
      defaultValue = "${DRIFTWATCH_MODEL_FAILURE_RATE:-0}",
      description =
          "Share of valid requests answered 500, for testing alerts (default ${DEFAULT-VALUE}).")
  double failureRate;

  @Override
  public Integer call() throws Exception {
    HostPort hp = HostPort.parse("--listen", listen);
    ModelServer server =
        ModelServer.start(
            hp.host(),
            hp.port(),
            ModelServer.Options.DEFAULTS
                .withLatencyMeanMillis(latencyMeanMillis)
                .withFailureRate(failureRate));
    System.out.println(
        "Model credit-risk/1 on " + server.baseUri() + " (" + server.executionProvider() + ")");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stop.countDown();
                }));
    stop.await();
    return Driftwatch.OK;
  }
}
