package io.driftwatch.sidecar.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads Linux scheduling policies from /proc, independently of the JNA call that sets them: the
 * 41st field of a task's {@code stat} (proc(5)); 0 is {@code SCHED_OTHER}, 5 {@code SCHED_IDLE}.
 */
public final class SchedPolicy {
  public static final int OTHER = 0;
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
    List<Integer> out = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
            out.add(ofStat(task.resolve("stat")));
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
