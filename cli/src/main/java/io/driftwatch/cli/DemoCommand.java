package io.driftwatch.cli;

import io.driftwatch.demo.ModelServer;
import io.driftwatch.demo.TrafficGenerator;
import io.driftwatch.embedded.EmbeddedFlink;
import io.driftwatch.embedded.EmbeddedKafka;
import io.driftwatch.exporter.Exporter;
import io.driftwatch.exporter.ExporterConfig;
import io.driftwatch.jobs.MonitorJob;
import io.driftwatch.jobs.MonitorJobConfig;
import io.driftwatch.jobs.Topics;
import io.driftwatch.jobs.drift.DriftConfig;
import io.driftwatch.sidecar.SidecarConfig;
import io.driftwatch.sidecar.SidecarServer;
import io.driftwatch.sidecar.SidecarStats;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the whole pipeline in one JVM on the embedded default: a real Kafka broker, the demo model
 * server, the sidecar in front of it, the Flink monitor job in a MiniCluster, the exporter, and a
 * traffic generator that shifts some inputs at an announced time.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs Driftwatch end to end in this process: traffic -> sidecar -> model server, with",
      "captured predictions flowing through Kafka and Flink to Prometheus /metrics.",
      "Stops after --duration, or on Ctrl-C."
    })
final class DemoCommand implements Callable<Integer> {
  private static final Pattern PREDICTIONS_TOTAL =
      Pattern.compile("(?m)^driftwatch_predictions_total\\{[^}]*\\} ([0-9.eE+-]+)$");
  private static final Pattern DRIFT_DETECTED =
      Pattern.compile("(?m)^driftwatch_feature_drift_detected\\{([^}]*)\\} 1\\.0$");
  private static final Pattern FEATURE_LABEL = Pattern.compile("feature=\"([^\"]*)\"");

  @Option(
      names = "--duration",
      description = "Run this long, then stop (e.g. 60s, 30m). Default: until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "20",
      description = "Requests per second (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--drift-at",
      description =
          "When the traffic's income and country distributions shift. Default: half of"
              + " --duration, or 5m.")
  Duration driftAt;

  @Option(
      names = "--window",
      defaultValue = "10s",
      description = "Job window (default ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--drift-window",
      defaultValue = "1m",
      description =
          "Drift window (default ${DEFAULT-VALUE}); the first 1000 predictions (about 50 s at"
              + " 20/s) become the reference.")
  Duration driftWindow;

  @Option(
      names = "--sidecar-port",
      defaultValue = "8080",
      description = "Default ${DEFAULT-VALUE}; 0: any free port.")
  int sidecarPort;

  @Option(
      names = "--sidecar-admin-port",
      defaultValue = "9091",
      description = "Default ${DEFAULT-VALUE}.")
  int sidecarAdminPort;

  @Option(names = "--model-port", defaultValue = "8000", description = "Default ${DEFAULT-VALUE}.")
  int modelPort;

  @Option(
      names = "--metrics-port",
      defaultValue = "9464",
      description = "Exporter port (default ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--progress-interval",
      defaultValue = "5s",
      description = "How often to print progress (default ${DEFAULT-VALUE}).")
  Duration progressInterval;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Traffic seed (default ${DEFAULT-VALUE}).")
  long seed;

  private final PrintStream out = System.out;
  private final Deque<AutoCloseable> running = new ArrayDeque<>();

  @Override
  public Integer call() throws Exception {
    if (rate <= 0 || rate > 10_000) {
      throw new IllegalArgumentException("--rate: " + rate + " (expected: 0 < rate <= 10000)");
    }
    Duration drift =
        driftAt != null
            ? driftAt
            : duration != null ? duration.dividedBy(2) : Duration.ofMinutes(5);
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                stopped.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "driftwatch-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      run(drift, stop);
      return Driftwatch.OK;
    } finally {
      closeAll();
      stopped.countDown();
      if (stop.getCount() > 0) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }

  private void run(Duration drift, CountDownLatch stop) throws Exception {
    out.println("Driftwatch demo: starting the embedded stack...");
    EmbeddedKafka kafka = EmbeddedKafka.start();
    running.push(kafka);
    kafka.createTopics(DriftwatchTopics.all());
    out.println(
        "  Kafka broker     "
            + kafka.bootstrapServers()
            + "  topics: "
            + String.join(", ", DriftwatchTopics.names()));

    ModelServer model = ModelServer.start("127.0.0.1", modelPort);
    running.push(model);
    out.println(
        "  model server     "
            + model.baseUri()
            + "  credit-risk/1 on "
            + model.executionProvider());

    SidecarServer.disableLeakDetectionUnlessConfigured();
    SidecarServer sidecar =
        SidecarServer.start(
            SidecarConfig.builder()
                .upstream(model.baseUri().toString())
                .listenHost("127.0.0.1")
                .listenPort(sidecarPort)
                .adminHost("127.0.0.1")
                .adminPort(sidecarAdminPort)
                .kafkaBootstrapServers(kafka.bootstrapServers())
                .topic(Topics.PREDICTIONS)
                .build());
    running.push(sidecar);
    out.println(
        "  sidecar          http://127.0.0.1:"
            + sidecar.port()
            + " -> model; its metrics: http://127.0.0.1:"
            + sidecar.adminPort()
            + "/metrics");

    MonitorJobConfig jobConfig =
        MonitorJobConfig.defaults(kafka.bootstrapServers())
            .withWindow(window)
            .withTiming(
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(30),
                Duration.ofSeconds(3))
            .withParallelism(2)
            .withDrift(DriftConfig.defaults().withTumblingWindow(driftWindow));
    JobClient job = MonitorJob.start(EmbeddedFlink.environment(2), jobConfig);
    running.push(() -> job.cancel().get(30, TimeUnit.SECONDS));
    out.println(
        "  Flink job        "
            + MonitorJob.NAME
            + " (MiniCluster, parallelism 2, traffic windows "
            + window.toSeconds()
            + " s, drift windows "
            + driftWindow.toSeconds()
            + " s, checkpoints every 3 s)");

    Exporter exporter =
        Exporter.start(
            ExporterConfig.defaults(kafka.bootstrapServers(), Topics.METRICS)
                .withListen("127.0.0.1", metricsPort));
    running.push(exporter);
    URI metricsUri = URI.create("http://127.0.0.1:" + exporter.port() + "/metrics");
    out.println("  Prometheus       " + metricsUri + "   <- look here");

    TrafficGenerator.Builder traffic =
        TrafficGenerator.builder(URI.create("http://127.0.0.1:" + sidecar.port()))
            .rate(rate)
            .driftAt(drift)
            .seed(seed);
    if (duration != null) {
      traffic.duration(duration);
    }
    TrafficGenerator generator = traffic.build();
    out.println();
    out.println(generator.announcement());
    out.println();
    generator.start();
    running.push(generator);

    long start = System.nanoTime();
    long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    boolean driftAnnounced = false;
    while (System.nanoTime() < end) {
      long wait = Math.min(progressInterval.toNanos(), end - System.nanoTime());
      if (stop.await(Math.max(wait, 0), TimeUnit.NANOSECONDS)) {
        out.println("Interrupted: shutting down.");
        return;
      }
      if (!driftAnnounced && generator.driftStarted()) {
        driftAnnounced = true;
        out.println(">>> drift started: income and country distributions shifted");
      }
      progress(start, generator, sidecar, exporter, http, metricsUri);
    }

    generator.stop();
    generator.awaitTermination(Duration.ofSeconds(10));
    long sentThroughSidecar = awaitCaptured(sidecar, generator.counters().sent(), stop);
    out.println("Traffic stopped; waiting for the last window to reach /metrics...");
    long drainDeadline = System.nanoTime() + window.plus(Duration.ofSeconds(30)).toNanos();
    double counted = 0;
    while (System.nanoTime() < drainDeadline && stop.getCount() > 0) {
      counted = scrapePredictions(http, metricsUri).orElse(0);
      if (counted >= sentThroughSidecar) {
        break;
      }
      stop.await(1, TimeUnit.SECONDS);
    }
    progress(start, generator, sidecar, exporter, http, metricsUri);
    out.printf(
        "Done: %d requests sent, %d predictions captured by the sidecar, %.0f counted by the job.%n",
        generator.counters().sent(), sentThroughSidecar, counted);
  }

  /**
   * The sidecar's captured count once it has counted every request the generator sent, or once its
   * capture queue has stayed empty and the count unchanged for 200 ms (a request that failed before
   * reaching the sidecar is never captured), or after 5 s. The proxy queues an exchange once the
   * response's last bytes went to the client, and the capture worker of an idle sidecar looks at
   * its queue every 10 to 50 ms, so the last records are counted a little after the generator has
   * its responses.
   */
  private static long awaitCaptured(SidecarServer sidecar, long sent, CountDownLatch stop)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long quietSince = System.nanoTime();
    SidecarStats last = sidecar.stats();
    while (last.captured() < sent && System.nanoTime() < deadline) {
      if (stop.await(20, TimeUnit.MILLISECONDS)) {
        break;
      }
      SidecarStats now = sidecar.stats();
      if (now.captured() != last.captured() || now.queuedExchanges() > 0) {
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= TimeUnit.MILLISECONDS.toNanos(200)) {
        return now.captured();
      }
      last = now;
    }
    return last.captured();
  }

  private void progress(
      long start,
      TrafficGenerator generator,
      SidecarServer sidecar,
      Exporter exporter,
      HttpClient http,
      URI metricsUri) {
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    TrafficGenerator.Counters c = generator.counters();
    SidecarStats s = sidecar.stats();
    OptionalDouble counted = scrapePredictions(http, metricsUri);
    String drifted = drifted(http, metricsUri);
    out.printf(
        "[%4ds] requests sent %d (2xx %d, 4xx %d, 5xx %d) | captured %d, sent to Kafka %d, dropped %d"
            + " | metric samples %d, series %d, predictions counted %s%s%n",
        seconds,
        c.sent(),
        c.succeeded(),
        c.clientErrors(),
        c.serverErrors(),
        s.captured(),
        s.sent(),
        s.dropped(),
        exporter.samplesConsumed(),
        exporter.series(),
        counted.isPresent() ? String.format("%.0f", counted.getAsDouble()) : "-",
        drifted);
  }

  /** The columns whose last drift window flagged drift, as " | drifted: a, b" or "". */
  private static String drifted(HttpClient http, URI metricsUri) {
    String body = scrape(http, metricsUri);
    java.util.TreeSet<String> columns = new java.util.TreeSet<>();
    Matcher m = DRIFT_DETECTED.matcher(body == null ? "" : body);
    while (m.find()) {
      Matcher feature = FEATURE_LABEL.matcher(m.group(1));
      if (feature.find()) {
        columns.add(feature.group(1));
      }
    }
    return columns.isEmpty() ? "" : " | drifted: " + String.join(", ", columns);
  }

  /** Sums driftwatch_predictions_total over all series, as Prometheus would scrape it. */
  private static OptionalDouble scrapePredictions(HttpClient http, URI metricsUri) {
    String body = scrape(http, metricsUri);
    if (body == null) {
      return OptionalDouble.empty();
    }
    Matcher m = PREDICTIONS_TOTAL.matcher(body);
    double sum = 0;
    boolean any = false;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
      any = true;
    }
    return any ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /** The exporter's /metrics text, or null when it does not answer (it is starting). */
  private static String scrape(HttpClient http, URI metricsUri) {
    try {
      return http.send(
              HttpRequest.newBuilder(metricsUri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void closeAll() {
    while (!running.isEmpty()) {
      try {
        running.pop().close();
      } catch (Exception e) {
        System.err.println("demo: while stopping: " + e.getMessage());
      }
    }
  }
}
