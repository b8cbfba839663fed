package io.driftwatch.sidecar.capture;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the capture thread competes with the proxy for CPU.
 *
 * <p>{@link #IDLE}, the default, puts the capture worker in Linux's {@code SCHED_IDLE} class: it
 * runs only on CPU time the proxy's event loops leave, and an event loop that wakes takes the core
 * from it at once. Inference never waits for capture; when the pod's CPU is saturated, capture
 * falls behind, its bounded queue fills and what overflows is counted dropped ({@code
 * reason=queue_full}). Threads the worker starts inherit the class: the Kafka producer's network
 * thread, created on the worker's first send, runs at the same priority. {@link #NORMAL} leaves
 * both at the ordinary priority, sharing the CPU with the proxy.
 *
 * <p>Where {@code SCHED_IDLE} is unavailable (not Linux, no native access) the worker runs at
 * normal priority and {@link #applyToCurrentThread()} says why.
 */
public enum CapturePriority {
  IDLE,
  NORMAL;

  /** The configuration values: the constants' names, lower case. */
  public static final List<String> VALUES =
      Arrays.stream(values()).map(CapturePriority::value).toList();

  /** Linux's {@code SCHED_IDLE} (include/uapi/linux/sched.h). */
  private static final int SCHED_IDLE = 5;

  /** The value of a configuration string ({@link #VALUES}), or null when it names none. */
  public static CapturePriority parse(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (CapturePriority p : values()) {
      if (p.value().equals(v)) {
        return p;
      }
    }
    return null;
  }

  /** The configuration value. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Gives the calling thread this priority; threads it starts afterwards inherit it. Never throws.
   *
   * @return null when done, else why not (for a log line)
   */
  public String applyToCurrentThread() {
    if (this == NORMAL) {
      return null;
    }
    if (!Platform.isLinux()) {
      return "SCHED_IDLE is Linux only";
    }
    try {
      // pid 0: the calling thread. sched_param holds one int, sched_priority, which must be 0.
      Native.load("c", LibC.class).sched_setscheduler(0, SCHED_IDLE, new int[] {0});
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
