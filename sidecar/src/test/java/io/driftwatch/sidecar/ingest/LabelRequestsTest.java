package io.driftwatch.sidecar.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.LabelRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LabelRequestsTest {
  private static final long NOW = 1_700_000_000_123_456L;

  private static LabelRequests.Parsed parse(String body) {
    return LabelRequests.parse(body.getBytes(StandardCharsets.UTF_8), "", "", NOW);
  }

  @Test
  void oneLabel() {
    LabelRequests.Parsed p =
        parse(
            "{\"prediction_id\": \"abc-123/2\", \"model\": \"fraud\", \"version\": \"7\","
                + " \"label\": 1, \"timestamp\": 1714564800.25, \"extra\": \"ignored\"}");
    assertThat(p.error()).isNull();
    LabelRecord l = p.labels().get(0);
    assertThat(l.getSchemaVersion()).isEqualTo(Records.SCHEMA_VERSION);
    assertThat(l.getPredictionId()).isEqualTo("abc-123/2");
    assertThat(l.getModel()).isEqualTo("fraud");
    assertThat(l.getModelVersion()).isEqualTo("7");
    assertThat(l.getLabel().getNumber()).isEqualTo(1);
    assertThat(l.getTimestampMicros()).isEqualTo(1_714_564_800_250_000L);
    assertThat(Records.decodeLabel(l.toByteArray()).isOk()).isTrue();
  }

  @Test
  void anArrayOfLabelsOfEveryKind() {
    LabelRequests.Parsed p =
        parse(
            "[{\"prediction_id\": \"a\", \"model\": \"m\", \"label\": \"cat\","
                + " \"timestamp\": \"2024-05-01T12:00:00.5+02:00\"},"
                + " {\"prediction_id\": \"b\", \"model\": \"m\", \"version\": \"\", \"label\": true},"
                + " {\"prediction_id\": \"c\", \"model\": \"m\", \"label\": [0, 1, 1]}]");
    assertThat(p.error()).isNull();
    assertThat(p.labels()).hasSize(3);
    assertThat(p.labels().get(0).getLabel().getText()).isEqualTo("cat");
    assertThat(p.labels().get(0).getTimestampMicros()).isEqualTo(1_714_557_600_500_000L);
    assertThat(p.labels().get(1).getLabel().getFlag()).isTrue();
    assertThat(p.labels().get(1).getTimestampMicros()).isEqualTo(NOW);
    assertThat(p.labels().get(2).getLabel().getNumbers().getValuesList())
        .containsExactly(0.0, 1.0, 1.0);
  }

  @Test
  void theSidecarsModelFillsIn() {
    LabelRequests.Parsed p =
        LabelRequests.parse(
            "{\"prediction_id\": \"a\", \"label\": 0}".getBytes(StandardCharsets.UTF_8),
            "credit",
            "3",
            NOW);
    assertThat(p.labels().get(0).getModel()).isEqualTo("credit");
    assertThat(p.labels().get(0).getModelVersion()).isEqualTo("3");
  }

  @Test
  void theFirstProblemIsNamed() {
    assertThat(parse("").error()).startsWith("body: empty");
    assertThat(parse("{\"prediction_id\"").error()).startsWith("body: not JSON (");
    assertThat(parse("{} {}").error()).startsWith("body: not JSON (");
    assertThat(parse("[]").error())
        .isEqualTo("body: an empty array (expected: a label object or an array of them)");
    assertThat(parse("42").error())
        .isEqualTo("body: a number (expected: a label object or an array of them)");
    assertThat(parse("{\"model\": \"m\", \"label\": 1}").error())
        .isEqualTo("prediction_id: missing");
    assertThat(parse("{\"prediction_id\": 7, \"model\": \"m\", \"label\": 1}").error())
        .isEqualTo(
            "prediction_id: 7 (expected: a text of 1 to 256 characters without control"
                + " characters)");
    assertThat(parse("{\"prediction_id\": \"a\", \"label\": 1}").error())
        .isEqualTo("model: missing");
    assertThat(parse("[{\"prediction_id\": \"a\", \"model\": \"m\", \"label\": 1}, 3]").error())
        .isEqualTo("labels[1]: a number (expected: an object)");
    assertThat(parse("[{\"prediction_id\": \"a\", \"model\": \"m\"}]").error())
        .isEqualTo("labels[0].label: missing");
    assertThat(parse("{\"prediction_id\": \"a\", \"model\": \"m\", \"label\": {\"x\": 1}}").error())
        .isEqualTo(
            "label: {\"x\":1} (expected: a number, a text, a boolean or an array of numbers)");
    assertThat(
            parse(
                    "{\"prediction_id\": \"a\", \"model\": \"m\", \"label\": 1, \"timestamp\":"
                        + " 1714564800000}")
                .error())
        .startsWith("timestamp: 1714564800000 (expected: seconds since the Unix epoch");
    assertThat(
            parse(
                    "{\"prediction_id\": \"a\", \"model\": \"m\", \"label\": 1, \"timestamp\":"
                        + " \"yesterday\"}")
                .error())
        .startsWith("timestamp: \"yesterday\" (expected:");
    assertThat(
            parse("{\"prediction_id\": \"a\", \"model\": \"m\", \"version\": 2, \"label\": 1}")
                .error())
        .isEqualTo("version: 2 (expected: a text)");
  }
}
