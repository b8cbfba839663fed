package io.driftwatch.cli;

import io.driftwatch.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the embedded Kafka broker alone, with Driftwatch's topics, until interrupted. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a single-node Kafka broker (KRaft) in this process and creates Driftwatch's topics.",
      "For trying components one by one on a laptop; production uses a Kafka cluster."
    })
final class BrokerCommand implements java.util.concurrent.Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "${DRIFTWATCH_BROKER_PORT:-9092}",
      description = "Client port (env DRIFTWATCH_BROKER_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "${DRIFTWATCH_BROKER_DATA_DIR}",
      description =
          "Keep the broker's data here across restarts (env DRIFTWATCH_BROKER_DATA_DIR;"
              + " default: a temporary directory deleted on exit).")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    EmbeddedKafka.Options options = EmbeddedKafka.Options.defaults().withPort(port);
    if (dataDir != null) {
      options = options.withDataDir(dataDir);
    }
    EmbeddedKafka kafka = EmbeddedKafka.start(options);
    kafka.createTopics(DriftwatchTopics.all());
    System.out.println("Kafka broker ready at " + kafka.bootstrapServers());
    System.out.println("Topics: " + String.join(", ", DriftwatchTopics.names()));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.close();
                  stop.countDown();
                }));
    stop.await();
    return Driftwatch.OK;
  }
}
