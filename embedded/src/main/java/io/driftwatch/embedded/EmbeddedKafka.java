package io.driftwatch.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker (KRaft, combined broker and controller) running inside this JVM on loopback.
 *
 * <p>It is the embedded default of Driftwatch: the demo and the integration tests run on it, so
 * what they exercise is the broker the production deployment talks to, not a mock. It starts in two
 * to three seconds and needs about 400 MB of heap. Every replication factor is 1, which is right
 * for one broker and wrong for anything that must survive losing it.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final String bootstrapServers;
  private volatile boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server, Path dataDir, boolean deleteOnClose, String bootstrapServers) {
    this.server = server;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.bootstrapServers = bootstrapServers;
  }

  /** Starts a broker on free loopback ports with its data in a temporary directory. */
  public static EmbeddedKafka start() {
    return start(Options.defaults());
  }

  /**
   * Starts a broker and waits until it answers an admin request.
   *
   * @throws IllegalStateException when the storage cannot be formatted or the broker does not come
   *     up within {@link Options#startTimeout()}
   */
  public static EmbeddedKafka start(Options options) {
    try {
      boolean temporary = options.dataDir() == null;
      Path dataDir = temporary ? Files.createTempDirectory("driftwatch-kafka-") : options.dataDir();
      Files.createDirectories(dataDir);
      Path configFile = dataDir.resolve("server.properties");
      Properties props = new Properties();
      if (Files.exists(configFile)) {
        // A restart on the same directory keeps the ports: the KRaft voter set names them.
        try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
          props.load(r);
        }
      } else {
        int brokerPort = options.port() > 0 ? options.port() : freePort();
        props = brokerProperties(dataDir, brokerPort, freePort());
        try (Writer w = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
          props.store(w, "Driftwatch embedded broker");
        }
        format(configFile);
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
      server.startup();
      String bootstrap = props.getProperty("advertised.listeners").replace("PLAINTEXT://", "");
      EmbeddedKafka kafka = new EmbeddedKafka(server, dataDir, temporary, bootstrap);
      kafka.awaitReady(options.startTimeout());
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded kafka: cannot prepare its data directory", e);
    }
  }

  /** The broker's address, e.g. {@code 127.0.0.1:40123}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Where the broker keeps its log segments and metadata. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates the topics that do not exist yet; existing ones are left as they are.
   *
   * @throws IllegalStateException when the broker refuses or does not answer within 30 s
   */
  public void createTopics(List<NewTopic> topics) {
    try (Admin admin = admin()) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("broker did not create topics within 30 s", e);
    }
  }

  /** Creates one topic with replication factor 1, unless it exists. */
  public void createTopic(String name, int partitions) {
    createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  /** Stops the broker and, if it was given a temporary directory, deletes it. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        try {
          admin.listTopics().names().get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
      }
    }
    close();
    throw new IllegalStateException("embedded kafka did not answer within " + timeout, last);
  }

  private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dataDir.resolve("logs").toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "4");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "4");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Flink's exactly-once sink opens transactions of up to 15 minutes.
    p.setProperty("transaction.max.timeout.ms", "900000");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    p.setProperty("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    return p;
  }

  private static void format(Path configFile) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {
                "format",
                "--standalone",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                configFile.toString()
              },
              ps);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "embedded kafka: storage format failed ("
              + rc
              + "): "
              + out.toString(StandardCharsets.UTF_8));
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless; the broker itself is already stopped.
    }
  }

  /**
   * How to start the broker.
   *
   * @param dataDir where to keep data; null for a temporary directory deleted on close. An
   *     existing, formatted directory is reused, so a broker restarted on it keeps its topics.
   * @param port the client port; 0 for a free one
   * @param startTimeout how long to wait for the broker to answer
   */
  public record Options(Path dataDir, int port, Duration startTimeout) {
    public Options {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout: " + startTimeout + " (expected: > 0)");
      }
    }

    public static Options defaults() {
      return new Options(null, 0, Duration.ofSeconds(60));
    }

    public Options withDataDir(Path dir) {
      return new Options(dir, port, startTimeout);
    }

    public Options withPort(int p) {
      return new Options(dataDir, p, startTimeout);
    }
  }
}
