package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.embedded.testing.KafkaFixture;
import io.driftwatch.jobs.drift.ProfileEnvelope;
import io.driftwatch.schema.Decoded;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.profile.FeatureProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftwatch profile --kafka} against a real broker. */
class ProfilePublishIT {
  private static final String TOPIC = "it.profiles";
  private static KafkaFixture kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    kafka = KafkaFixture.start();
    kafka.createTopic(TOPIC, 1);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void publishesTheProfileKeyedByModelAndVersionAndWritesTheSameProfileToTheFile() {
    List<String> rows = new ArrayList<>();
    rows.add("amount,country");
    for (int i = 0; i < 300; i++) {
      rows.add((i % 7 == 0 ? "" : Integer.toString(i * 3)) + "," + (i % 3 == 0 ? "DE" : "US"));
    }
    Path csv = Cli.write(dir, "train.csv", rows);
    Path out = dir.resolve("credit.dwp");

    Cli.Result r =
        Cli.run(
            "profile",
            "--input",
            csv.toString(),
            "--model",
            "credit",
            "--version",
            "7",
            "--out",
            out.toString(),
            "--kafka",
            kafka.bootstrapServers(),
            "--profiles-topic",
            TOPIC);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Published to " + TOPIC).contains("as credit/7");
    List<ConsumerRecord<byte[], byte[]>> records =
        kafka.readTopic(TOPIC, 1, Duration.ofSeconds(30));
    assertThat(records).hasSize(1);
    ConsumerRecord<byte[], byte[]> record = records.get(0);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("credit/7");
    Decoded<ProfileEnvelope> decoded = ProfileEnvelope.decode(record.key(), record.value());
    assertThat(decoded.isOk()).as(decoded.toString()).isTrue();
    ProfileEnvelope envelope = decoded.value();
    assertThat(envelope.model()).isEqualTo("credit");
    assertThat(envelope.modelVersion()).isEqualTo("7");
    // 300 rows written above; every 7th amount (i = 0, 7, ..., 294: 43 rows) left empty
    FeatureProfile amount = envelope.inputs().features().get("amount");
    assertThat(amount.type()).isEqualTo(ColumnType.NUMERICAL);
    assertThat(amount.count()).isEqualTo(300 - 43);
    assertThat(amount.missing()).isEqualTo(43);
    FeatureProfile country = envelope.inputs().features().get("country");
    assertThat(country.type()).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(country.count()).isEqualTo(300);
    assertThat(envelope.inputs()).isEqualTo(readProfile(out));
  }

  @Test
  void anUnreachableBrokerIsExit3WithAShortReasonAndNoStackTrace() {
    Path csv = Cli.write(dir, "train.csv", "x", "1", "2", "3");

    Cli.Result r =
        Cli.run(
            "profile",
            "--input",
            csv.toString(),
            "--model",
            "m",
            "--version",
            "1",
            "--kafka",
            "127.0.0.1:1",
            "--publish-timeout",
            "2s");

    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains("cannot publish to driftwatch.profiles at 127.0.0.1:1");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void neitherOutNorKafkaIsAUsageError() {
    Path csv = Cli.write(dir, "train.csv", "x", "1");

    Cli.Result r = Cli.run("profile", "--input", csv.toString(), "--model", "m", "--version", "1");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--out PROFILE or --kafka BOOTSTRAP");
  }

  private static io.driftwatch.stats.profile.ReferenceProfile readProfile(Path file) {
    try {
      return ProfileFile.read(file).profile();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
