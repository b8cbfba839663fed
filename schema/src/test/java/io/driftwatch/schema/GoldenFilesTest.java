package io.driftwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.driftwatch.schema.v1.DriftEvent;
import io.driftwatch.schema.v1.LabelRecord;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.MetricType;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Quantile;
import io.driftwatch.schema.v1.SummaryValue;
import io.driftwatch.schema.v1.Value;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encoded files under golden/v1 were written once by schema version 1 and must decode forever:
 * a change that breaks one of these tests breaks every record already on a topic. To add the files
 * of a new version, run with {@code -Dgolden.write=vN} once and commit them; never rewrite old
 * ones.
 */
class GoldenFilesTest {

  @Test
  void v1PredictionDecodes() throws IOException {
    PredictionRecord r = Records.decodePrediction(read("v1/prediction-record.bin")).value();
    assertThat(r.getSchemaVersion()).isEqualTo(1);
    assertThat(r.getPredictionId()).isEqualTo("7f1c2d1e-0000-4000-8000-000000000001");
    assertThat(r.getModel()).isEqualTo("credit-risk");
    assertThat(r.getModelVersion()).isEqualTo("1");
    assertThat(r.getTimestampMicros()).isEqualTo(1_795_000_000_000_000L);
    assertThat(r.getLatencyMicros()).isEqualTo(4_250);
    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.getFeaturesMap().get("age").getNumber()).isEqualTo(41.5);
    assertThat(r.getFeaturesMap().get("country").getText()).isEqualTo("DE");
    assertThat(r.getFeaturesMap().get("is_new").getFlag()).isTrue();
    assertThat(r.getFeaturesMap().get("referrer").getNull()).isTrue();
    assertThat(r.getFeaturesMap().get("embedding").getNumbers().getValuesList())
        .containsExactly(0.25, -1.0, 3.5);
    assertThat(r.getOutputsMap().get("probability").getNumber()).isEqualTo(0.125);
    assertThat(r.getOutputsMap().get("label").getText()).isEqualTo("approve");
    assertThat(r.getSegmentsMap()).containsEntry("gender", "f");
    assertThat(r.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(r.getSamplingWeight()).isEqualTo(4.0);
    assertThat(r.getProtocol()).isEqualTo(Protocol.KSERVE_V2_REST);
  }

  @Test
  void v1JsonMappingReadsToTheSameRecordAsTheBinary() throws IOException {
    PredictionRecord.Builder fromJson = PredictionRecord.newBuilder();
    String json = new String(read("v1/prediction-record.json"), StandardCharsets.UTF_8);
    assertThat(Records.mergeJson(json, fromJson)).isNull();
    assertThat(fromJson.build())
        .isEqualTo(Records.decodePrediction(read("v1/prediction-record.bin")).value());
  }

  @Test
  void v1LabelMetricAndEventDecode() throws IOException {
    LabelRecord label = Records.decodeLabel(read("v1/label-record.bin")).value();
    assertThat(label.getPredictionId()).isEqualTo("7f1c2d1e-0000-4000-8000-000000000001");
    assertThat(label.getLabel().getText()).isEqualTo("decline");
    assertThat(label.getTimestampMicros()).isEqualTo(1_795_000_360_000_000L);

    MetricSample metric = Records.decodeMetric(read("v1/metric-sample.bin")).value();
    assertThat(metric.getName()).isEqualTo("driftwatch_prediction_latency_seconds");
    assertThat(metric.getType()).isEqualTo(MetricType.SUMMARY);
    assertThat(metric.getLabelsMap()).containsEntry("model", "credit-risk");
    assertThat(metric.getSummary().getCount()).isEqualTo(1200);
    assertThat(metric.getSummary().getQuantiles(1).getQuantile()).isEqualTo(0.99);
    assertThat(metric.getSummary().getQuantiles(1).getValue()).isEqualTo(0.031);
    assertThat(metric.getWindowEndMillis()).isEqualTo(1_795_000_060_000L);

    DriftEvent event = Records.decodeEvent(read("v1/drift-event.bin")).value();
    assertThat(event.getKind()).isEqualTo("data_drift");
    assertThat(event.getSubject()).isEqualTo("income");
    assertThat(event.getMethod()).isEqualTo("ks");
    assertThat(event.hasPValue()).isTrue();
    assertThat(event.getPValue()).isEqualTo(0.001);
    assertThat(event.getEvidenceMap()).containsEntry("n_current", "5000");
  }

  @Test
  void garbageNeverThrowsAndIsExplained() {
    SplittableRandom random = new SplittableRandom(2026);
    int rejected = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      Decoded<PredictionRecord> d = Records.decodePrediction(bytes);
      if (!d.isOk()) {
        rejected++;
        assertThat(d.reasonCode()).isIn("empty", "not_protobuf", "invalid");
      }
    }
    assertThat(rejected).isGreaterThan(19_000);
    assertThat(Records.decodePrediction(null).reasonCode()).isEqualTo("empty");
    assertThat(Records.decodeMetric("hello".getBytes(StandardCharsets.UTF_8)).isOk()).isFalse();
    assertThat(Records.mergeJson("{not json", PredictionRecord.newBuilder()))
        .startsWith("invalid_json:");
  }

  @Test
  void unknownFieldsFromANewerWriterAreSkipped() {
    byte[] v1 = example().toByteArray();
    // Field 99, varint 7: what a future writer might add.
    byte[] newer = new byte[v1.length + 3];
    System.arraycopy(v1, 0, newer, 0, v1.length);
    newer[v1.length] = (byte) 0x98;
    newer[v1.length + 1] = 0x06;
    newer[v1.length + 2] = 7;
    Decoded<PredictionRecord> d = Records.decodePrediction(newer);
    assertThat(d.isOk()).isTrue();
    assertThat(d.value().getModel()).isEqualTo("credit-risk");
  }

  /** Regenerates the files of the given version directory; run once per schema version. */
  @Test
  void writeGoldenFilesWhenAsked() throws IOException {
    String version = System.getProperty("golden.write");
    if (version == null) {
      return;
    }
    Path dir = Path.of("src/test/resources/golden", version);
    Files.createDirectories(dir);
    write(dir.resolve("prediction-record.bin"), example());
    Files.writeString(dir.resolve("prediction-record.json"), Records.toJson(example()) + "\n");
    write(
        dir.resolve("label-record.bin"),
        LabelRecord.newBuilder()
            .setSchemaVersion(1)
            .setPredictionId("7f1c2d1e-0000-4000-8000-000000000001")
            .setModel("credit-risk")
            .setModelVersion("1")
            .setLabel(Value.newBuilder().setText("decline"))
            .setTimestampMicros(1_795_000_360_000_000L)
            .build());
    write(
        dir.resolve("metric-sample.bin"),
        MetricSample.newBuilder()
            .setSchemaVersion(1)
            .setName("driftwatch_prediction_latency_seconds")
            .putLabels("model", "credit-risk")
            .putLabels("version", "1")
            .setType(MetricType.SUMMARY)
            .setSummary(
                SummaryValue.newBuilder()
                    .setCount(1200)
                    .setSum(9.5)
                    .setRankError(0.0133)
                    .addQuantiles(Quantile.newBuilder().setQuantile(0.5).setValue(0.006))
                    .addQuantiles(Quantile.newBuilder().setQuantile(0.99).setValue(0.031)))
            .setWindowStartMillis(1_795_000_000_000L)
            .setWindowEndMillis(1_795_000_060_000L)
            .build());
    write(
        dir.resolve("drift-event.bin"),
        DriftEvent.newBuilder()
            .setSchemaVersion(1)
            .setEventId("credit-risk/1/income/ks/1795000060000")
            .setModel("credit-risk")
            .setModelVersion("1")
            .setKind("data_drift")
            .setSubject("income")
            .setMethod("ks")
            .setStatistic(0.21)
            .setPValue(0.001)
            .setThreshold(0.05)
            .setErrorBound(0.0133)
            .setWindowStartMillis(1_795_000_000_000L)
            .setWindowEndMillis(1_795_000_060_000L)
            .putEvidence("n_current", "5000")
            .build());
  }

  private static PredictionRecord example() {
    return PredictionRecord.newBuilder()
        .setSchemaVersion(1)
        .setPredictionId("7f1c2d1e-0000-4000-8000-000000000001")
        .setModel("credit-risk")
        .setModelVersion("1")
        .setTimestampMicros(1_795_000_000_000_000L)
        .setLatencyMicros(4_250)
        .setStatusCode(200)
        .putFeatures("age", Value.newBuilder().setNumber(41.5).build())
        .putFeatures("country", Value.newBuilder().setText("DE").build())
        .putFeatures("is_new", Value.newBuilder().setFlag(true).build())
        .putFeatures("referrer", Value.newBuilder().setNull(true).build())
        .putFeatures(
            "embedding",
            Value.newBuilder()
                .setNumbers(NumberList.newBuilder().addValues(0.25).addValues(-1).addValues(3.5))
                .build())
        .putOutputs("probability", Value.newBuilder().setNumber(0.125).build())
        .putOutputs("label", Value.newBuilder().setText("approve").build())
        .putSegments("gender", "f")
        .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
        .setSamplingWeight(4.0)
        .setProtocol(Protocol.KSERVE_V2_REST)
        .build();
  }

  private static void write(Path file, Message m) throws IOException {
    Files.write(file, m.toByteArray());
  }

  private static byte[] read(String name) throws IOException {
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("golden file " + name).isNotNull();
      return in.readAllBytes();
    }
  }
}
