package io.driftwatch.embedded;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster in this JVM, sized for a laptop: the same job graph that runs on a Flink
 * cluster runs here, with real checkpoints, state and Kafka connectors.
 */
public final class EmbeddedFlink {
  private EmbeddedFlink() {}

  /**
   * A local execution environment; {@code execute} or {@code executeAsync} starts a MiniCluster
   * with {@code parallelism} slots and stops it when the job ends.
   */
  public static StreamExecutionEnvironment environment(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism: " + parallelism + " (expected: >= 1)");
    }
    Configuration conf = new Configuration();
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
    // The defaults reserve hundreds of MB for RocksDB and shuffles the embedded job never uses.
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("32m"));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("32m"));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("32m"));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
        Duration.ofSeconds(1));
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
        Duration.ofSeconds(30));
    return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
  }
}
