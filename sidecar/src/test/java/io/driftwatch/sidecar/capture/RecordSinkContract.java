package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.PredictionRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link RecordSink} promises; subclassed once per implementation. */
abstract class RecordSinkContract {

  /** A sink connected to a working destination. */
  protected abstract RecordSink newSink();

  static PredictionRecord record(int i) {
    return PredictionRecord.newBuilder()
        .setSchemaVersion(Records.SCHEMA_VERSION)
        .setPredictionId("contract-" + i)
        .setModel("m")
        .setModelVersion("1")
        .setTimestampMicros(1_700_000_000_000_000L)
        .setLatencyMicros(10)
        .setStatusCode(200)
        .build();
  }

  /** Counts outcomes per record, to check there is exactly one each. */
  static final class Outcomes {
    final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<String> dropped = new CopyOnWriteArrayList<>();
    final AtomicInteger sent = new AtomicInteger();

    RecordSink.Outcome forRecord(int i) {
      AtomicInteger n = calls.computeIfAbsent(i, k -> new AtomicInteger());
      return new RecordSink.Outcome() {
        @Override
        public void sent() {
          n.incrementAndGet();
          sent.incrementAndGet();
        }

        @Override
        public void dropped(String reason) {
          n.incrementAndGet();
          dropped.add(reason);
        }
      };
    }

    int total() {
      return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }
  }

  @Test
  void everyRecordGetsExactlyOneOutcome() {
    RecordSink sink = newSink();
    Outcomes outcomes = new Outcomes();
    int n = 50;
    try {
      for (int i = 0; i < n; i++) {
        sink.send(record(i), outcomes.forRecord(i));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> outcomes.total() == n);
    } finally {
      sink.close(Duration.ofSeconds(5));
    }
    assertThat(outcomes.calls.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
    assertThat(outcomes.sent.get()).isEqualTo(n);
    assertThat(outcomes.dropped).isEmpty();
  }

  @Test
  void afterCloseRecordsAreDroppedAsShutdownAndCloseIsIdempotent() {
    RecordSink sink = newSink();
    sink.close(Duration.ofSeconds(5));
    sink.close(Duration.ofSeconds(5));
    Outcomes outcomes = new Outcomes();
    sink.send(record(1), outcomes.forRecord(1));
    assertThat(outcomes.total()).isEqualTo(1);
    assertThat(outcomes.dropped).containsExactly(DropReason.SHUTDOWN);
  }
}
