package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.sidecar.sched.CpuPriority;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that drains the capture queue: parses each exchange into records and hands them to
 * the sink. It is the only caller of {@link RecordSink#send}, so a sink that blocks (Kafka without
 * metadata blocks up to {@code max.block.ms}) slows capture, never inference: the queue fills and
 * further exchanges are counted dropped on the event loop.
 */
public final class CaptureWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CaptureWorker.class);

  private final CaptureQueue queue;
  private final RecordAssembler assembler;
  private final RecordSink sink;
  private final CaptureStats stats;
  private final Thread thread;
  private final ThrottledLog throttled = new ThrottledLog(LOG, 60, TimeUnit.SECONDS);
  private final RecordSink.Outcome outcome;
  private final CpuPriority priority;

  /**
   * The pause after the queue is first found empty. A worker that wakes finds everything queued
   * meanwhile and parses it together (in turns of {@link #TURN_CPU_NANOS}), its code and data still
   * in cache after the first exchange: at 1 000 requests/s on two cores, 10 ms (about ten exchanges
   * per wake-up) cost the sidecar 20 to 26 µs less CPU per request than 1 ms (one exchange per
   * wake-up), in every round of three runs of {@code benchmarks/run sidecar-ab}, and its added p99
   * was lower in 15 of their 18 rounds (by 5, 33 and 40 % at the median); whole runs of {@code
   * benchmarks/run sidecar} moved too much from one to the next to tell the two apart. A record
   * waits that much longer for Kafka, beside the producer's {@code linger.ms} of a second. See
   * docs/operations.md.
   */
  private static final long MIN_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * The longest pause: it bounds how long a captured exchange waits after an idle spell (the
   * producer's {@code linger.ms} adds up to a second anyway) and how fast the queue may fill
   * meanwhile.
   */
  private static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /**
   * The most CPU time the worker spends in one go while more exchanges wait (fewer than {@link
   * #BACKLOG_WITHOUT_BREAKS}); then it sleeps for {@link #BREAK_NANOS} and goes on. Why: {@code
   * SCHED_IDLE} ranks the worker below the sidecar's own threads only. A thread of another process
   * (the model server in its container, a load generator) woken on the worker's core is weighed
   * against the sidecar's whole scheduling group and waits until the worker blocks or uses up its
   * time slice (1 to 3 ms); the kernel even wakes threads onto such a core, since one that runs
   * only {@code SCHED_IDLE} threads counts as idle. Woken every 10 ms, the worker parsed what
   * arrived meanwhile (about ten exchanges, a few hundred µs) in one turn, and such a thread waited
   * that long. Measured in the thread's own CPU time, not on the wall clock, which also runs while
   * the event loops have the core: with the wall clock the sidecar's CPU per request rose by 20 µs
   * instead of 4 (see docs/operations.md).
   */
  static final long TURN_CPU_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

  /**
   * The break between two turns: long enough that the thread blocks, so a thread waiting for its
   * core gets it, and short beside the idle pause. The kernel wakes the worker up to its timer
   * slack (50 µs) later. Breaks of 5 µs, with the worker's timer slack at 1 µs, left the client of
   * {@code benchmarks/run sidecar} later in the sidecar's turns again (see docs/operations.md).
   */
  static final long BREAK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

  /**
   * No breaks while this many exchanges or more wait: such a backlog means the worker gets too
   * little CPU to keep up (the sidecar's CPU is saturated, and its event loops take the core
   * whenever they want it), and breaks would then only lose more exchanges: at saturation, breaks
   * whatever the backlog cut the share captured in {@code benchmarks/run sidecar} from about a
   * quarter to a fifth.
   */
  static final int BACKLOG_WITHOUT_BREAKS = 256;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Whether turns are timed in the thread's CPU time (else on the wall clock); JVM-wide. */
  private static final boolean CPU_CLOCK = threadCpuClock();

  private volatile boolean running = true;
  private final AtomicLong breaks = new AtomicLong();
  private volatile long drainDeadlineNanos = Long.MAX_VALUE;
  private boolean closed;

  /** A worker at normal CPU priority. */
  public CaptureWorker(
      CaptureQueue queue, RecordAssembler assembler, RecordSink sink, CaptureStats stats) {
    this(queue, assembler, sink, stats, CpuPriority.NORMAL);
  }

  /**
   * @param priority how the worker thread, and the threads it starts (the Kafka producer's),
   *     compete with the proxy for CPU
   */
  public CaptureWorker(
      CaptureQueue queue,
      RecordAssembler assembler,
      RecordSink sink,
      CaptureStats stats,
      CpuPriority priority) {
    this.priority = priority;
    this.queue = queue;
    this.assembler = assembler;
    this.sink = sink;
    this.stats = stats;
    this.outcome = RecordSink.Outcome.of(stats::sentFromSink, stats::droppedFromSink);
    this.thread = new Thread(this::run, "driftwatch-capture");
    thread.setDaemon(true);
  }

  /** Starts the worker thread. */
  public void start() {
    thread.start();
  }

  private void run() {
    String notApplied = priority.applyToCurrentThread();
    if (notApplied != null) {
      LOG.warn(
          "capture: the worker runs at normal CPU priority, not {}: {}",
          priority.value(),
          notApplied);
    } else if (priority == CpuPriority.IDLE) {
      LOG.info("capture: the worker runs at idle CPU priority (SCHED_IDLE); the proxy comes first");
    }
    long idlePark = MIN_IDLE_PARK_NANOS;
    long turnStart = now();
    while (running) {
      Exchange exchange = queue.poll();
      if (exchange != null) {
        process(exchange);
        idlePark = MIN_IDLE_PARK_NANOS;
        int waiting = queue.size();
        if (waiting > 0
            && waiting < BACKLOG_WITHOUT_BREAKS
            && now() - turnStart >= TURN_CPU_NANOS) {
          LockSupport.parkNanos(this, BREAK_NANOS);
          breaks.incrementAndGet();
          turnStart = now();
        }
        continue;
      }
      // Nobody signals this thread (see CaptureQueue): it looks again after a pause that grows
      // while the queue stays empty, so an idle sidecar wakes ~20 times a second and a busy one
      // takes whatever arrived during ten milliseconds together.
      LockSupport.parkNanos(this, idlePark);
      idlePark = Math.min(idlePark * 2, MAX_IDLE_PARK_NANOS);
      turnStart = now();
      if (Thread.interrupted()) {
        return; // close() gave up waiting; it counts what is left
      }
    }
    // Closing: keep delivering what is queued until the drain deadline.
    Exchange exchange;
    while (System.nanoTime() < drainDeadlineNanos && (exchange = queue.poll()) != null) {
      process(exchange);
    }
  }

  /** Whether the JVM reads the calling thread's CPU time here. */
  private static boolean threadCpuClock() {
    try {
      return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.getCurrentThreadCpuTime() >= 0;
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  /** The calling thread's CPU time, or the wall clock where the JVM cannot read that. */
  private static long now() {
    return CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  /** How many times the worker broke off a turn to let other threads have its core. */
  long breaks() {
    return breaks.get();
  }

  private void process(Exchange exchange) {
    List<PredictionRecord> records;
    try {
      records = assembler.toRecords(exchange, stats);
    } catch (RuntimeException e) {
      stats.captured(1);
      stats.dropped(DropReason.INTERNAL_ERROR, 1);
      throttled.warn("assemble", "capture: cannot turn an exchange into records", e);
      return;
    }
    stats.captured(records.size());
    for (PredictionRecord record : records) {
      stats.handedToSink();
      try {
        sink.send(record, outcome);
      } catch (RuntimeException e) {
        // A sink must report through the outcome; one that throws still has its record counted.
        outcome.dropped(DropReason.INTERNAL_ERROR);
        throttled.warn("sink", "capture: the record sink threw", e);
      }
    }
  }

  /**
   * Stops taking new work: delivers what is queued for up to half of {@code timeout}, counts the
   * rest dropped ({@link DropReason#SHUTDOWN}), then closes the sink with the time left.
   * Idempotent.
   */
  public synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    drainDeadlineNanos = start + timeout.toNanos() / 2;
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(Math.max(1, timeout.toMillis() / 2 + 100));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      // Stuck in a sink call: interrupting a Kafka send is safe, it fails with an exception.
      thread.interrupt();
      try {
        thread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int left = 0;
    while (queue.poll() != null) {
      left++;
    }
    if (left > 0) {
      stats.captured(left);
      stats.dropped(DropReason.SHUTDOWN, left);
    }
    long remaining = timeout.toNanos() - (System.nanoTime() - start);
    sink.close(Duration.ofNanos(Math.max(remaining, 0)));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
