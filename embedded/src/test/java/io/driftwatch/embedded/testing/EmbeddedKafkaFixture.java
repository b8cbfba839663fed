package io.driftwatch.embedded.testing;

import io.driftwatch.embedded.EmbeddedKafka;

/** The default fixture: the in-process KRaft broker that the demo also runs. */
final class EmbeddedKafkaFixture implements KafkaFixture {
  private final EmbeddedKafka kafka = EmbeddedKafka.start();

  @Override
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public void createTopic(String name, int partitions) {
    kafka.createTopic(name, partitions);
  }

  @Override
  public void close() {
    kafka.close();
  }
}
