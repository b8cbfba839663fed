package io.driftwatch.sidecar.sched;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Locale;

/**
 * The Linux scheduling class a sidecar thread runs in, which decides how it competes for CPU with
 * the model server beside it and with the sidecar's other threads.
 *
 * <ul>
 *   <li>{@link #NORMAL}: {@code SCHED_OTHER}, as every thread starts; left alone.
 *   <li>{@link #BATCH}: {@code SCHED_BATCH}. The thread gets the same share of CPU as a normal one,
 *       but waking up it does not preempt the thread running on its core: it waits for that one to
 *       block or for the scheduler's tick. The proxy's event loops run so by default ({@code
 *       io.cpu.priority}): a request that wakes them never interrupts the model server's threads in
 *       the middle of their work, and on a busy core the loops then take several ready connections
 *       in one turn instead of one each.
 *   <li>{@link #IDLE}: {@code SCHED_IDLE}. The thread runs only on CPU no other thread wants, and
 *       any thread that wakes takes the core from it at once. The capture worker runs so by default
 *       ({@code capture.cpu.priority}): inference never waits for capture; when the pod's CPU is
 *       saturated capture falls behind, its bounded queue fills and what overflows is counted
 *       dropped ({@code reason=queue_full}).
 * </ul>
 *
 * <p>Threads a thread starts inherit its class: the Kafka producer's network thread, created on the
 * capture worker's first send, runs at the worker's. No privilege is needed to move a thread to
 * {@code SCHED_BATCH} or {@code SCHED_IDLE}. Where that is unavailable (not Linux, no native
 * access) the thread runs at normal priority and {@link #applyToCurrentThread()} says why.
 */
public enum CpuPriority {
  NORMAL(0, "SCHED_OTHER"),
  BATCH(3, "SCHED_BATCH"),
  IDLE(5, "SCHED_IDLE");

  /** The policy number (include/uapi/linux/sched.h). */
  private final int policy;

  private final String policyName;

  CpuPriority(int policy, String policyName) {
    this.policy = policy;
    this.policyName = policyName;
  }

  /** The value of a configuration string (a constant's name, any case), or null when none. */
  public static CpuPriority parse(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (CpuPriority p : values()) {
      if (p.value().equals(v)) {
        return p;
      }
    }
    return null;
  }

  /** The configuration value: the constant's name, lower case. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The Linux policy's name, e.g. {@code SCHED_IDLE}, for log lines. */
  public String policyName() {
    return policyName;
  }

  /**
   * Moves the calling thread to this class; threads it starts afterwards inherit it. {@link
   * #NORMAL} leaves the thread as it is. Never throws.
   *
   * @return null when done, else why not (for a log line)
   */
  public String applyToCurrentThread() {
    if (this == NORMAL) {
      return null;
    }
    if (!Platform.isLinux()) {
      return policyName + " is Linux only";
    }
    try {
      // pid 0: the calling thread. sched_param holds one int, sched_priority, which must be 0.
      Native.load("c", LibC.class).sched_setscheduler(0, policy, new int[] {0});
      return null;
    } catch (LastErrorException e) {
      return "sched_setscheduler failed, errno " + e.getErrorCode();
    } catch (LinkageError | RuntimeException e) {
      // No native access (JNA cannot unpack its library, a locked-down runtime): not fatal.
      return "no native access (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }
  }

  /** The C library call, bound by JNA. */
  private interface LibC extends Library {
    int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
  }
}
