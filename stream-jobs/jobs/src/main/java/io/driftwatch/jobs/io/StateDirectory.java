package io.driftwatch.jobs.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * A directory where the monitor job keeps its checkpoints so that its state (open windows,
 * cumulative counters, bootstrapped references, published profiles, Kafka offsets) survives a
 * restart of the process — what a Flink cluster's high-availability and the Kubernetes operator's
 * last-state upgrade mode give a cluster deployment, for the embedded one.
 *
 * <p>Layout (Flink's): {@code DIR/checkpoints/<job id>/chk-<n>/_metadata}. Checkpoints are retained
 * when the job is cancelled or the process stops; at start the newest completed one (the {@code
 * chk-<n>} with a {@code _metadata} file, newest first by modification time, then by n) is
 * restored. Restoring a checkpoint taken by an incompatible job graph fails the start: every
 * stateful operator has a stable uid for this reason.
 */
public final class StateDirectory {
  private static final String CHECKPOINTS = "checkpoints";
  private static final String METADATA = "_metadata";

  private StateDirectory() {}

  /**
   * Flink settings that keep checkpoints under {@code dir} and retain them on cancellation, plus
   * the restore path when {@code restoreFrom} is present.
   */
  public static Configuration configuration(Path dir, Optional<Path> restoreFrom) {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        dir.toAbsolutePath().resolve(CHECKPOINTS).toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    restoreFrom.ifPresent(
        p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toAbsolutePath().toUri().toString()));
    return conf;
  }

  /** The newest completed checkpoint under {@code dir}, if any. */
  public static Optional<Path> latestCheckpoint(Path dir) {
    Path root = dir.resolve(CHECKPOINTS);
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> jobs = Files.list(root)) {
      return jobs.filter(Files::isDirectory)
          .flatMap(StateDirectory::completed)
          .max(
              Comparator.comparing(StateDirectory::modified)
                  .thenComparingLong(StateDirectory::number));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private static Stream<Path> completed(Path jobDir) {
    try (Stream<Path> chks = Files.list(jobDir)) {
      return chks
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .filter(p -> number(p) >= 0 && Files.isRegularFile(p.resolve(METADATA)))
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + jobDir, e);
    }
  }

  private static long number(Path chk) {
    try {
      return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path chk) {
    try {
      return Files.getLastModifiedTime(chk.resolve(METADATA));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + chk, e);
    }
  }
}
