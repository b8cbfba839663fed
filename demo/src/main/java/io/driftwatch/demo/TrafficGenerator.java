package io.driftwatch.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends single-row Open Inference Protocol infer requests for the credit-risk model to a model
 * server (or a sidecar in front of one) at a fixed rate, optionally switching to a drifted
 * population at a scheduled offset.
 *
 * <p>Open-loop: request {@code i} is due {@code i / rate} seconds after {@link #start()} whether or
 * not earlier ones have been answered, as real clients behave; a late scheduler catches up. At most
 * {@link Builder#maxInFlight(int)} requests are outstanding: a request due while the limit is
 * reached is not sent and counts as {@link Counters#throttled()}. Every request carries a fresh
 * {@code x-request-id} UUID, the same as its body's {@code id}. A share of requests ({@link
 * Builder#invalidShare(double)}) leaves one feature out, which the model server answers 400.
 *
 * <p>All randomness comes from one seed, so a seed reproduces the same bodies, ids and drift
 * boundary.
 */
public final class TrafficGenerator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficGenerator.class);
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /**
   * A snapshot of the generator's counts; after {@link #awaitTermination} returns true, {@code sent
   * == succeeded + clientErrors + serverErrors + otherStatuses + transportFailures}.
   *
   * @param sent requests handed to the HTTP client
   * @param succeeded answered 2xx
   * @param clientErrors answered 4xx
   * @param serverErrors answered 5xx
   * @param otherStatuses answered 1xx or 3xx
   * @param transportFailures not answered: connection refused or reset, timeout
   * @param throttled due but not sent because {@code maxInFlight} requests were outstanding
   * @param inFlight sent and not yet answered
   * @param peakInFlight the most requests that were outstanding at once
   */
  public record Counters(
      long sent,
      long succeeded,
      long clientErrors,
      long serverErrors,
      long otherStatuses,
      long transportFailures,
      long throttled,
      long inFlight,
      long peakInFlight) {

    /** Returns the requests that got an answer or failed: everything sent but not in flight. */
    public long completed() {
      return succeeded + clientErrors + serverErrors + otherStatuses + transportFailures;
    }

    /** Returns a one-line summary for progress output. */
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "sent=%d 2xx=%d 4xx=%d 5xx=%d other=%d failed=%d throttled=%d in-flight=%d",
          sent,
          succeeded,
          clientErrors,
          serverErrors,
          otherStatuses,
          transportFailures,
          throttled,
          inFlight);
    }
  }

  /** The builder's values, frozen at build time. */
  private record Settings(
      URI target,
      String model,
      double ratePerSecond,
      Duration duration,
      long maxRequests,
      Duration driftAt,
      double invalidShare,
      int maxInFlight,
      Duration requestTimeout,
      long seed) {}

  private final Settings config;
  private final URI inferUri;
  private final TrafficPlan plan;
  private final Semaphore permits;
  private final ExecutorService httpExecutor;
  private final HttpClient client;
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread scheduler;
  private volatile boolean stopRequested;
  private volatile boolean driftStarted;
  private boolean started;

  private final LongAdder sent = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder clientErrors = new LongAdder();
  private final LongAdder serverErrors = new LongAdder();
  private final LongAdder otherStatuses = new LongAdder();
  private final LongAdder transportFailures = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong peakInFlight = new AtomicLong();

  private TrafficGenerator(Settings config) {
    this.config = config;
    String base = config.target().toString().replaceAll("/+$", "");
    this.inferUri = URI.create(base + "/v2/models/" + config.model() + "/infer");
    this.plan =
        new TrafficPlan(
            config.seed(),
            config.ratePerSecond(),
            config.driftAt() == null ? -1 : config.driftAt().toNanos(),
            config.invalidShare());
    this.permits = new Semaphore(config.maxInFlight());
    // Completion callbacks only bump counters; two threads keep up with thousands per second.
    AtomicInteger threads = new AtomicInteger();
    this.httpExecutor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "driftwatch-traffic-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.requestTimeout())
            .executor(httpExecutor)
            .build();
    this.scheduler = new Thread(this::run, "driftwatch-traffic");
    this.scheduler.setDaemon(true);
  }

  /**
   * Returns a builder for traffic to {@code target}.
   *
   * @param target the base URI of the model server or sidecar, e.g. {@code http://127.0.0.1:8080};
   *     requests go to {@code <target>/v2/models/<model>/infer}
   */
  public static Builder builder(URI target) {
    return new Builder(target);
  }

  /**
   * Returns what this generator will do, announced before it starts: rate, target, duration, the
   * invalid share and, if drift is scheduled, when it begins and exactly which distributions shift.
   */
  public String announcement() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "Traffic: %.1f requests/s to %s, %s, seed %d; %.2f%% invalid (one feature missing,"
                + " answered 400); at most %d in flight.%n",
            config.ratePerSecond(),
            inferUri,
            config.maxRequests() > 0
                ? config.maxRequests() + " requests"
                : config.duration() == null ? "until stopped" : "for " + human(config.duration()),
            config.seed(),
            100 * config.invalidShare(),
            config.maxInFlight()));
    if (config.driftAt() == null) {
      text.append("No drift scheduled: every request comes from the baseline population.");
      return text.toString();
    }
    ApplicantPopulation before = ApplicantPopulation.baseline();
    ApplicantPopulation after = ApplicantPopulation.drifted();
    text.append(
        String.format(
            Locale.ROOT,
            "Drift at +%s: income median %.0f -> %.0f (x%.1f); country",
            human(config.driftAt()),
            before.incomeMedian(),
            after.incomeMedian(),
            ApplicantPopulation.DRIFT_INCOME_FACTOR));
    for (Map.Entry<String, Double> share : before.countryShares().entrySet()) {
      text.append(
          String.format(
              Locale.ROOT,
              " %s %.1f%% -> %.1f%%",
              share.getKey(),
              100 * share.getValue(),
              100 * after.countryShares().get(share.getKey())));
    }
    text.append(
        ". age, credit_score, tenure_months, debt_ratio and device keep their distributions.");
    return text.toString();
  }

  /**
   * Starts sending on a background thread and returns this generator.
   *
   * @throws IllegalStateException if already started
   */
  public synchronized TrafficGenerator start() {
    if (started) {
      throw new IllegalStateException("traffic generator: already started");
    }
    started = true;
    // Callers print the announcement where their users look; the log keeps a copy for later.
    LOG.debug("{}", announcement());
    scheduler.start();
    return this;
  }

  /** Stops scheduling new requests; those in flight still complete. Returns at once. */
  public void stop() {
    stopRequested = true;
    LockSupport.unpark(scheduler);
  }

  /**
   * Waits until the generator has finished (duration or request count reached, or stopped) and
   * every request in flight has completed.
   *
   * @return true if finished, false if the timeout elapsed first or it was never started
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    synchronized (this) {
      if (!started) {
        return false;
      }
    }
    return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Returns whether requests are now drawn from the drifted population. */
  public boolean driftStarted() {
    return driftStarted;
  }

  /** Returns the counts so far; cheap, safe to call from any thread at any time. */
  public Counters counters() {
    // Outcomes are counted after the send they belong to, so reading them before `sent` keeps a
    // snapshot from ever showing more outcomes than sends.
    long ok = succeeded.sum();
    long client4xx = clientErrors.sum();
    long server5xx = serverErrors.sum();
    long other = otherStatuses.sum();
    long failed = transportFailures.sum();
    long inFlightNow = inFlight.get();
    return new Counters(
        sent.sum(),
        ok,
        client4xx,
        server5xx,
        other,
        failed,
        throttled.sum(),
        inFlightNow,
        peakInFlight.get());
  }

  /**
   * Stops, waits for requests in flight (at most the request timeout plus a second) and releases
   * the HTTP client's threads.
   */
  @Override
  public void close() {
    stop();
    try {
      awaitTermination(config.requestTimeout().plusSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    httpExecutor.shutdownNow();
  }

  private void run() {
    long start = System.nanoTime();
    long durationNanos = config.duration() == null ? Long.MAX_VALUE : config.duration().toNanos();
    try {
      while (!stopRequested) {
        if (config.maxRequests() > 0 && plan.planned() >= config.maxRequests()) {
          break;
        }
        long offset = plan.nextOffsetNanos();
        if (offset >= durationNanos) {
          break;
        }
        for (long wait = start + offset - System.nanoTime();
            wait > 0 && !stopRequested;
            wait = start + offset - System.nanoTime()) {
          LockSupport.parkNanos(this, wait);
        }
        if (stopRequested) {
          break;
        }
        TrafficPlan.Planned request = plan.next();
        if (request.drifted() && !driftStarted) {
          driftStarted = true;
          LOG.info(
              "drift started at +{}: requests now come from the drifted population",
              human(Duration.ofNanos(offset)));
        }
        if (!permits.tryAcquire()) {
          throttled.increment();
          continue;
        }
        send(request);
      }
      drain();
    } catch (RuntimeException e) {
      LOG.error("traffic generator stopped by an unexpected failure", e);
    } finally {
      done.countDown();
    }
  }

  private void send(TrafficPlan.Planned planned) {
    HttpRequest request =
        HttpRequest.newBuilder(inferUri)
            .timeout(config.requestTimeout())
            .header("Content-Type", "application/json")
            .header("x-request-id", planned.id())
            .POST(HttpRequest.BodyPublishers.ofByteArray(planned.body()))
            .build();
    sent.increment();
    long now = inFlight.incrementAndGet();
    peakInFlight.accumulateAndGet(now, Math::max);
    try {
      client
          .sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, error) -> complete(response, error));
    } catch (RuntimeException e) {
      // sendAsync rejects synchronously only when the client is shutting down.
      complete(null, e);
    }
  }

  private void complete(HttpResponse<Void> response, Throwable error) {
    if (error != null || response == null) {
      transportFailures.increment();
      LOG.debug("request failed: {}", String.valueOf(error));
    } else {
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        succeeded.increment();
      } else if (status >= 400 && status < 500) {
        clientErrors.increment();
      } else if (status >= 500) {
        serverErrors.increment();
      } else {
        otherStatuses.increment();
      }
    }
    inFlight.decrementAndGet();
    permits.release();
  }

  /** Waits for outstanding requests; each is bounded by the request timeout. */
  private void drain() {
    try {
      long timeoutNanos = config.requestTimeout().plusSeconds(1).toNanos();
      if (permits.tryAcquire(config.maxInFlight(), timeoutNanos, TimeUnit.NANOSECONDS)) {
        permits.release(config.maxInFlight());
      } else {
        LOG.warn(
            "traffic generator: {} requests still in flight after the timeout", inFlight.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String human(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  /** Configures a {@link TrafficGenerator}; every setter validates its argument at once. */
  public static final class Builder {

    private final URI target;
    private String model = CreditRiskModel.NAME;
    private double ratePerSecond = 20;
    private Duration duration;
    private long maxRequests;
    private Duration driftAt;
    private double invalidShare = 0.005;
    private int maxInFlight = 64;
    private Duration requestTimeout = Duration.ofSeconds(5);
    private long seed = 42;

    private Builder(URI target) {
      Objects.requireNonNull(target, "target");
      String scheme = target.getScheme();
      if (target.getHost() == null
          || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
        throw new IllegalArgumentException(
            "target: " + target + " (expected: an http:// or https:// URI with a host)");
      }
      this.target = target;
    }

    /** The model name on the request path. Default {@value CreditRiskModel#NAME}. */
    public Builder model(String name) {
      if (name == null || !MODEL_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "model: " + name + " (expected: letters, digits, '.', '_' or '-')");
      }
      this.model = name;
      return this;
    }

    /** Requests per second, 0.01..100 000. Default 20. */
    public Builder rate(double requestsPerSecond) {
      if (!(requestsPerSecond >= 0.01 && requestsPerSecond <= 100_000)) {
        throw new IllegalArgumentException(
            "rate: " + requestsPerSecond + " (expected: 0.01..100000 requests/s)");
      }
      this.ratePerSecond = requestsPerSecond;
      return this;
    }

    /** How long to send; null (the default) sends until stopped or the request count is met. */
    public Builder duration(Duration value) {
      if (value != null && (value.isNegative() || value.isZero())) {
        throw new IllegalArgumentException("duration: " + value + " (expected: positive)");
      }
      this.duration = value;
      return this;
    }

    /** How many requests to schedule (sent or throttled); 0 (the default) for no limit. */
    public Builder requests(long count) {
      if (count < 0) {
        throw new IllegalArgumentException("requests: " + count + " (expected: >= 0)");
      }
      this.maxRequests = count;
      return this;
    }

    /**
     * The offset from the start at which requests switch to {@link ApplicantPopulation#drifted()};
     * null (the default) for no drift.
     */
    public Builder driftAt(Duration offset) {
      if (offset != null && offset.isNegative()) {
        throw new IllegalArgumentException("driftAt: " + offset + " (expected: >= 0)");
      }
      this.driftAt = offset;
      return this;
    }

    /** Share of requests sent with one feature missing, in [0, 1]. Default 0.005. */
    public Builder invalidShare(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("invalidShare: " + share + " (expected: 0..1)");
      }
      this.invalidShare = share;
      return this;
    }

    /** The most requests outstanding at once, 1..10 000. Default 64. */
    public Builder maxInFlight(int count) {
      if (count < 1 || count > 10_000) {
        throw new IllegalArgumentException("maxInFlight: " + count + " (expected: 1..10000)");
      }
      this.maxInFlight = count;
      return this;
    }

    /** Per-request timeout, also the connect timeout. Default 5 s. */
    public Builder requestTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout: " + timeout + " (expected: positive)");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** Seed of every random choice: applicants, invalid requests, request ids. Default 42. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** Returns a generator that is ready to {@link TrafficGenerator#start()}. */
    public TrafficGenerator build() {
      return new TrafficGenerator(
          new Settings(
              target,
              model,
              ratePerSecond,
              duration,
              maxRequests,
              driftAt,
              invalidShare,
              maxInFlight,
              requestTimeout,
              seed));
    }
  }
}
