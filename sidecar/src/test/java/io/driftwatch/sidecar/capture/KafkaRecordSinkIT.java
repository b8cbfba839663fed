package io.driftwatch.sidecar.capture;

import io.driftwatch.embedded.testing.KafkaFixture;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Kafka sink keeps the sink contract against a real broker. */
class KafkaRecordSinkIT extends RecordSinkContract {
  private static KafkaFixture kafka;

  @BeforeAll
  static void start() {
    kafka = KafkaFixture.start();
    kafka.createTopic("it.contract", 1);
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Override
  protected RecordSink newSink() {
    return new KafkaRecordSink(kafka.bootstrapServers(), "it.contract", Map.of());
  }
}
