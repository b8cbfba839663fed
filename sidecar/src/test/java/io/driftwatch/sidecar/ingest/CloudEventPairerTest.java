package io.driftwatch.sidecar.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.sidecar.capture.Exchange;
import io.driftwatch.sidecar.capture.KServeCloudEventParser;
import io.driftwatch.sidecar.capture.Sampler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloudEventPairerTest {
  private final List<Exchange> captured = new CopyOnWriteArrayList<>();
  private final IngestStats stats = new IngestStats();
  private CloudEventPairer pairer;

  @AfterEach
  void close() {
    if (pairer != null) {
      pairer.close();
    }
  }

  private CloudEventPairer pairer(Duration timeout, int maxPending, long maxBytes) {
    pairer =
        new CloudEventPairer(timeout, maxPending, maxBytes, new Sampler(1.0), captured::add, stats);
    return pairer;
  }

  private static CloudEvent event(String id, boolean request, long timeMicros, String data) {
    return new CloudEvent(
        id,
        request,
        "iris",
        "predictor",
        timeMicros,
        "application/json",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        data.getBytes(StandardCharsets.UTF_8),
        false);
  }

  @Test
  void requestAndResponseBecomeOneExchangeInEitherOrder() {
    CloudEventPairer p = pairer(Duration.ofMinutes(1), 100, 1 << 20);
    p.accept(event("a", true, 1_000_000, "{\"req\":1}"));
    p.accept(event("b", false, 2_004_000, "{\"resp\":2}"));
    assertThat(p.pending()).isEqualTo(2);
    assertThat(captured).isEmpty();
    p.accept(event("a", false, 1_003_500, "{\"resp\":1}"));
    p.accept(event("b", true, 2_000_000, "{\"req\":2}"));

    assertThat(p.pending()).isZero();
    assertThat(captured).hasSize(2);
    Exchange a = captured.get(0);
    assertThat(a.predictionId()).isEqualTo("a");
    assertThat(a.parser()).isInstanceOf(KServeCloudEventParser.class);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.startEpochMicros()).isEqualTo(1_000_000);
    assertThat(a.latencyNanos()).isEqualTo(3_500_000);
    assertThat(new String(a.requestBody(), StandardCharsets.UTF_8)).isEqualTo("{\"req\":1}");
    assertThat(new String(a.responseBody(), StandardCharsets.UTF_8)).isEqualTo("{\"resp\":1}");
    assertThat(a.requestHeaders())
        .containsEntry(KServeCloudEventParser.SERVICE_HEADER, "iris")
        .containsEntry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .doesNotContainKey(KServeCloudEventParser.PAIRING_HEADER);
    Exchange b = captured.get(1);
    assertThat(new String(b.requestBody(), StandardCharsets.UTF_8)).isEqualTo("{\"req\":2}");
    assertThat(b.latencyNanos()).isEqualTo(4_000_000);
    assertThat(stats.paired()).isEqualTo(2);
    assertThat(stats.requestEvents()).isEqualTo(2);
    assertThat(stats.responseEvents()).isEqualTo(2);
  }

  @Test
  void anEventAloneAfterTheTimeoutIsCapturedWithWhatItHas() {
    CloudEventPairer p = pairer(Duration.ofMillis(100), 100, 1 << 20);
    p.accept(event("lonely-request", true, 1, "{}"));
    p.accept(event("lonely-response", false, 1, "{}"));
    await().atMost(Duration.ofSeconds(5)).until(() -> captured.size() == 2);
    assertThat(p.pending()).isZero();
    Exchange request =
        captured.stream()
            .filter(e -> e.predictionId().startsWith("lonely-req"))
            .findFirst()
            .orElseThrow();
    assertThat(request.status()).isZero();
    assertThat(request.responseBody()).isEmpty();
    assertThat(request.requestHeaders().get(KServeCloudEventParser.PAIRING_HEADER))
        .isEqualTo("cloudevent: no response event within the pairing timeout");
    Exchange response =
        captured.stream()
            .filter(e -> e.predictionId().startsWith("lonely-resp"))
            .findFirst()
            .orElseThrow();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.requestBody()).isEmpty();
    assertThat(stats.unpaired())
        .containsEntry(IngestStats.NO_RESPONSE, 1L)
        .containsEntry(IngestStats.NO_REQUEST, 1L);
  }

  @Test
  void theOldestIsCapturedAloneWhenTooManyWait() {
    CloudEventPairer p = pairer(Duration.ofMinutes(1), 3, 1 << 20);
    for (int i = 0; i < 5; i++) {
      p.accept(event("e" + i, true, 1, "{}"));
    }
    assertThat(p.pending()).isEqualTo(3);
    assertThat(captured).extracting(Exchange::predictionId).containsExactly("e0", "e1");
    assertThat(captured.get(0).requestHeaders().get(KServeCloudEventParser.PAIRING_HEADER))
        .contains("too many events waiting");
    assertThat(stats.unpaired()).containsEntry(IngestStats.EVICTED, 2L);
  }

  @Test
  void theBytesBoundEvictsToo() {
    String big = "x".repeat(1000);
    // Each event holds 512 + 1000 bytes: two fit in 3100, a third does not.
    CloudEventPairer p = pairer(Duration.ofMinutes(1), 100, 3100);
    p.accept(event("a", true, 1, big));
    p.accept(event("b", true, 1, big));
    assertThat(captured).isEmpty();
    p.accept(event("c", true, 1, big));
    assertThat(captured).extracting(Exchange::predictionId).containsExactly("a");
    assertThat(p.pending()).isEqualTo(2);
  }

  @Test
  void aSecondEventOfTheSameTypeAndIdReplacesTheFirst() {
    CloudEventPairer p = pairer(Duration.ofMinutes(1), 100, 1 << 20);
    p.accept(event("d", true, 1, "{\"first\":1}"));
    p.accept(event("d", true, 2, "{\"second\":1}"));
    assertThat(captured)
        .singleElement()
        .satisfies(e -> assertThat(e.startEpochMicros()).isEqualTo(1));
    p.accept(event("d", false, 3, "{}"));
    assertThat(captured).hasSize(2);
    assertThat(new String(captured.get(1).requestBody(), StandardCharsets.UTF_8))
        .isEqualTo("{\"second\":1}");
    assertThat(stats.unpaired()).containsEntry(IngestStats.DUPLICATE, 1L);
  }

  @Test
  void idsOutsideTheSampleAreNotKept() {
    pairer =
        new CloudEventPairer(
            Duration.ofMinutes(1), 100, 1 << 20, new Sampler(0.0), captured::add, stats);
    pairer.accept(event("a", true, 1, "{}"));
    pairer.accept(event("a", false, 1, "{}"));
    assertThat(pairer.pending()).isZero();
    assertThat(captured).isEmpty();
    assertThat(stats.requestEvents()).isEqualTo(1);
  }

  @Test
  void closingCapturesWhatWaits() {
    CloudEventPairer p = pairer(Duration.ofMinutes(1), 100, 1 << 20);
    p.accept(event("a", true, 1, "{}"));
    p.close();
    assertThat(captured)
        .singleElement()
        .satisfies(e -> assertThat(e.predictionId()).isEqualTo("a"));
    p.accept(event("b", false, 1, "{}"));
    assertThat(captured).hasSize(2);
    assertThat(stats.unpaired()).containsEntry(IngestStats.SHUTDOWN, 2L);
  }
}
