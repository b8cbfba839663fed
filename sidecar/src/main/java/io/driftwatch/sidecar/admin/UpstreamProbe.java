package io.driftwatch.sidecar.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks the model server whether it is ready ({@code GET /v2/health/ready}) every interval and
 * remembers the last answer. Not ready until the first probe succeeds.
 */
public final class UpstreamProbe implements AutoCloseable {
  private final HttpClient client;
  private final HttpRequest request;
  private final ScheduledExecutorService scheduler;
  private volatile boolean ready;

  /**
   * @param url the readiness URL, e.g. {@code http://127.0.0.1:8080/v2/health/ready}
   * @param interval time between probes; each probe times out after the interval or 2 s, the
   *     shorter
   */
  public UpstreamProbe(URI url, Duration interval) {
    Duration timeout =
        interval.compareTo(Duration.ofSeconds(2)) < 0 ? interval : Duration.ofSeconds(2);
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "driftwatch-readiness-probe");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe() {
    try {
      HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
      ready = r.statusCode() == 200;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ready = false;
    } catch (Exception e) {
      ready = false;
    }
  }

  /** Whether the last probe got a 200. */
  public boolean ready() {
    return ready;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
