package io.driftwatch.sidecar.sched;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads Linux scheduling policies from /proc, independently of the JNA call that sets them: the
 * 41st field of a task's {@code stat} (proc(5)); 0 is {@code SCHED_OTHER}, 3 {@code SCHED_BATCH}, 5
 * {@code SCHED_IDLE}.
 */
public final class SchedPolicy {
  public static final int OTHER = 0;
  public static final int BATCH = 3;
  public static final int IDLE = 5;

  private SchedPolicy() {}

  /** Whether /proc has per-thread stat files (Linux). */
  public static boolean available() {
    return Files.isReadable(Path.of("/proc/thread-self/stat"));
  }

  /** The policy of the calling thread. */
  public static int ofCurrentThread() {
    return ofStat(Path.of("/proc/thread-self/stat"));
  }

  /** The policies of this process's threads whose kernel name (15 characters) starts so. */
  public static List<Integer> ofThreadsNamed(String prefix) {
    return new ArrayList<>(byThreadNamed(prefix).values());
  }

  /** Thread id → policy, of this process's threads whose kernel name starts so. */
  public static Map<Integer, Integer> byThreadNamed(String prefix) {
    Map<Integer, Integer> out = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
            out.put(Integer.parseInt(task.getFileName().toString()), ofStat(task.resolve("stat")));
          }
        } catch (IOException | UncheckedIOException e) {
          // The thread ended meanwhile.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static int ofStat(Path stat) {
    try {
      String s = Files.readString(stat);
      // Fields after the command name, which is in parentheses and may hold spaces, start at 3.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(f[41 - 3]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
