package io.driftwatch.embedded.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A broker in Docker, for hosts that have it: {@code -Dkafka.fixture=testcontainers}. Without a
 * Docker engine it fails at start with a message that says so.
 */
final class TestcontainersKafkaFixture implements KafkaFixture {
  /** The Apache Kafka image of the same major version as the embedded broker. */
  static final String IMAGE = "apache/kafka:4.1.0";

  private final KafkaContainer container;

  TestcontainersKafkaFixture() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException(
          "kafka.fixture=testcontainers needs a Docker engine and none was found;"
              + " use -Dkafka.fixture=embedded (the default)");
    }
    container = new KafkaContainer(IMAGE);
    container.start();
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void createTopic(String name, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("broker did not create " + name + " within 30 s", e);
    }
  }

  @Override
  public void close() {
    container.stop();
  }
}
