package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.sidecar.sched.CpuPriority;
import io.driftwatch.sidecar.sched.SchedPolicy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CaptureWorkerTest {
  private static final String REQ =
      "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}]}";

  private static Exchange twoRows() {
    return Exchanges.v2("/v2/models/m/infer", REQ, 200, "{\"outputs\":[]}");
  }

  @Test
  void everyRecordIsSentOrDroppedWithAReason() {
    CaptureStats stats = new CaptureStats();
    CaptureQueue queue = new CaptureQueue(100, 1 << 20);
    ListSink sink = new ListSink();
    CaptureWorker worker = new CaptureWorker(queue, new RecordAssembler("", ""), sink, stats);
    worker.start();
    CaptureTap tap =
        new CaptureTap(List.of(new KServeV2Parser()), new Sampler(1.0), 1024, queue, stats);
    for (int i = 0; i < 10; i++) {
      tap.offer(twoRows());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> stats.sent() == 20);
    worker.close(Duration.ofSeconds(1));

    assertThat(sink.records).hasSize(20);
    assertThat(stats.captured()).isEqualTo(20);
    assertThat(stats.dropped()).isZero();
    assertThat(stats.inFlight()).isZero();
    assertThat(sink.closed()).isTrue();
  }

  @Test
  void anIdleWorkerSendsFromASchedIdleThread() {
    assumeTrue(SchedPolicy.available(), "Linux only");
    CaptureStats stats = new CaptureStats();
    CaptureQueue queue = new CaptureQueue(100, 1 << 20);
    List<Integer> policies = new CopyOnWriteArrayList<>();
    RecordSink probe =
        new RecordSink() {
          @Override
          public void send(PredictionRecord record, Outcome outcome) {
            policies.add(SchedPolicy.ofCurrentThread());
            outcome.sent();
          }

          @Override
          public void close(Duration timeout) {}
        };
    CaptureWorker worker =
        new CaptureWorker(queue, new RecordAssembler("", ""), probe, stats, CpuPriority.IDLE);
    worker.start();
    queue.offer(twoRows());
    await().atMost(Duration.ofSeconds(10)).until(() -> stats.sent() == 2);
    worker.close(Duration.ofSeconds(1));
    assertThat(policies).containsExactly(SchedPolicy.IDLE, SchedPolicy.IDLE);
  }

  @Test
  void aFullQueueCountsTheExchangeDropped() {
    CaptureStats stats = new CaptureStats();
    CaptureQueue queue = new CaptureQueue(1, 1 << 20);
    CaptureTap tap =
        new CaptureTap(List.of(new KServeV2Parser()), new Sampler(1.0), 1024, queue, stats);
    tap.offer(twoRows());
    tap.offer(twoRows());
    tap.offer(twoRows());
    assertThat(queue.size()).isEqualTo(1);
    assertThat(stats.captured()).isEqualTo(2);
    assertThat(stats.droppedByReason()).containsEntry(DropReason.QUEUE_FULL, 2L);
  }

  @Test
  void sinkDropsAreCountedWithTheirReason() {
    CaptureStats stats = new CaptureStats();
    CaptureQueue queue = new CaptureQueue(100, 1 << 20);
    CaptureWorker worker =
        new CaptureWorker(
            queue, new RecordAssembler("", ""), new ListSink(DropReason.KAFKA_TIMEOUT), stats);
    worker.start();
    queue.offer(twoRows());
    await().atMost(Duration.ofSeconds(10)).until(() -> stats.dropped() == 2);
    worker.close(Duration.ofSeconds(1));
    assertThat(stats.captured()).isEqualTo(2);
    assertThat(stats.droppedByReason()).containsEntry(DropReason.KAFKA_TIMEOUT, 2L);
    assertThat(stats.sent()).isZero();
  }

  @Test
  void aBacklogIsWorkedOffInShortTurnsUnlessCaptureIsFarBehind() {
    CaptureStats stats = new CaptureStats();
    CaptureQueue queue = new CaptureQueue(1000, 1 << 24);
    // Each record costs the worker at least 60 µs of CPU here, so each exchange (two rows) uses
    // up a whole turn.
    long perRecordNanos = CaptureWorker.TURN_CPU_NANOS * 6 / 10;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    RecordSink busy =
        new RecordSink() {
          @Override
          public void send(PredictionRecord record, Outcome outcome) {
            // 60 µs of CPU time take at least 60 µs on the wall clock too, so an exchange uses up
            // a turn whichever clock the worker times turns on.
            long start = threads.getCurrentThreadCpuTime();
            while (threads.getCurrentThreadCpuTime() - start < perRecordNanos) {
              Thread.onSpinWait();
            }
            outcome.sent();
          }

          @Override
          public void close(Duration timeout) {}
        };
    int farBehind = 40;
    int exchanges = CaptureWorker.BACKLOG_WITHOUT_BREAKS + farBehind;
    for (int i = 0; i < exchanges; i++) {
      assertThat(queue.offer(twoRows())).isTrue();
    }
    CaptureWorker worker = new CaptureWorker(queue, new RecordAssembler("", ""), busy, stats);
    worker.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> stats.sent() == 2L * exchanges);
    worker.close(Duration.ofSeconds(1));

    // No break while BACKLOG_WITHOUT_BREAKS or more wait (after each of the first farBehind
    // exchanges), then one after every exchange but the last, behind which nothing waits.
    assertThat(worker.breaks()).isEqualTo(CaptureWorker.BACKLOG_WITHOUT_BREAKS - 1);
    assertThat(stats.dropped()).isZero();
  }

  @Test
  void closeCountsWhatIsLeftAsShutdown() throws InterruptedException {
    CaptureStats stats = new CaptureStats();
    CaptureQueue queue = new CaptureQueue(100, 1 << 20);
    HeldSink stuck = new HeldSink(); // never released
    CaptureWorker worker = new CaptureWorker(queue, new RecordAssembler("", ""), stuck, stats);
    worker.start();
    for (int i = 0; i < 5; i++) {
      queue.offer(twoRows());
    }
    assertThat(stuck.awaitHeld(10)).isTrue();
    worker.close(Duration.ofMillis(200));

    assertThat(queue.size()).isZero();
    assertThat(stats.captured()).isEqualTo(stats.sent() + stats.dropped());
    assertThat(stats.droppedByReason().get(DropReason.SHUTDOWN)).isPositive();
    assertThat(stats.inFlight()).isZero();
  }

  @Test
  void aThrowingParserIsAnInternalErrorNotACrash() {
    CaptureStats stats = new CaptureStats();
    CaptureQueue queue = new CaptureQueue(100, 1 << 20);
    ListSink sink = new ListSink();
    CaptureWorker worker = new CaptureWorker(queue, new RecordAssembler("", ""), sink, stats);
    worker.start();
    ExchangeParser broken =
        new ExchangeParser() {
          @Override
          public Protocol protocol() {
            return Protocol.GENERIC_JSON;
          }

          @Override
          public boolean matches(String method, String path) {
            return true;
          }

          @Override
          public Payload parse(Exchange exchange) {
            throw new IllegalStateException("bug");
          }
        };
    Exchange e = twoRows();
    queue.offer(
        new Exchange(
            e.predictionId(),
            e.method(),
            e.path(),
            broken,
            e.startEpochMicros(),
            e.latencyNanos(),
            e.status(),
            e.requestHeaders(),
            e.responseHeaders(),
            e.requestBody(),
            false,
            e.responseBody(),
            false,
            "",
            1.0));
    queue.offer(twoRows());
    await().atMost(Duration.ofSeconds(10)).until(() -> stats.sent() == 2);
    worker.close(Duration.ofSeconds(1));
    assertThat(stats.droppedByReason()).containsEntry(DropReason.INTERNAL_ERROR, 1L);
    assertThat(stats.captured()).isEqualTo(3);
  }
}
