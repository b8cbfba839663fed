package io.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.jobs.drift.DriftEvaluation.References;
import io.driftwatch.jobs.drift.DriftEvaluation.Result;
import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.schema.MetricCatalog;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.DriftEvent;
import io.driftwatch.schema.v1.MetricSample;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DriftSamplesTest {

  private static Result shiftedWindow() {
    Applicants traffic = new Applicants(3);
    References refs = References.choose(null, DemoDriftSimulationTest.firstRecords(traffic, 1000));
    return DriftEvaluation.evaluate(
        refs, DemoDriftSimulationTest.window(traffic, 1200, true), DriftConfig.defaults());
  }

  @Test
  void everySampleIsACatalogMetricWithTheCatalogsLabels() throws Exception {
    List<EncodedRecord> records =
        DriftSamples.metrics("credit-risk", "1", 0, 60_000, shiftedWindow());
    Set<String> names = new HashSet<>();
    for (EncodedRecord r : records) {
      MetricSample s = Records.decodeMetric(r.value).value();
      MetricCatalog entry = MetricCatalog.byName(s.getName()).orElseThrow();
      assertThat(s.getLabelsMap().keySet())
          .as(s.getName())
          .containsExactlyInAnyOrderElementsOf(entry.labels());
      assertThat(entry.source()).isEqualTo(MetricCatalog.Source.JOB);
      assertThat(s.getWindowStartMillis()).isZero();
      assertThat(s.getWindowEndMillis()).isEqualTo(60_000);
      assertThat(new String(r.key, StandardCharsets.UTF_8)).startsWith(s.getName() + "{");
      names.add(s.getName());
    }
    assertThat(names)
        .contains(
            DriftSamples.SCORE,
            DriftSamples.DETECTED,
            DriftSamples.P_VALUE,
            DriftSamples.EFFECT_SIZE,
            DriftSamples.THRESHOLD,
            DriftSamples.ERROR_BOUND,
            DriftSamples.MISSING,
            DriftSamples.TYPE_MISMATCH,
            DriftSamples.OUT_OF_RANGE,
            DriftSamples.NEW_CATEGORY,
            DriftSamples.DATASET_SHARE,
            DriftSamples.DATASET_DETECTED,
            DriftSamples.WINDOW_RECORDS,
            DriftSamples.REFERENCE_RECORDS,
            DriftSamples.REFERENCE_PUBLISHED);
  }

  @Test
  void oneEventPerDriftedColumnWithADeterministicId() throws Exception {
    Result r = shiftedWindow();
    List<EncodedRecord> events = DriftSamples.events("credit-risk", "1", 0, 60_000, r);
    assertThat(events).hasSize(4);
    Set<String> ids = new HashSet<>();
    for (EncodedRecord e : events) {
      DriftEvent d = DriftEvent.parseFrom(e.value);
      assertThat(new String(e.key, StandardCharsets.UTF_8)).isEqualTo("credit-risk/1");
      assertThat(d.getEventId())
          .isEqualTo(
              DriftSamples.eventId(
                  d.getKind(), "credit-risk", "1", d.getSubject(), d.getMethod(), 0, 60_000));
      assertThat(d.getSchemaVersion()).isEqualTo(Records.SCHEMA_VERSION);
      assertThat(d.getEvidenceMap())
          .containsKeys("effect_size", "reference_records", "window_records", "reference");
      assertThat(d.getThreshold()).isEqualTo(0.05);
      ids.add(d.getEventId());
    }
    assertThat(ids).hasSize(4);
    assertThat(DriftSamples.eventId("data_drift", "m", "1", "x", "ks", 0, 60_000))
        .isEqualTo(DriftSamples.eventId("data_drift", "m", "1", "x", "ks", 0, 60_000))
        .isNotEqualTo(DriftSamples.eventId("data_drift", "m", "1", "x", "ks", 60_000, 120_000));
  }
}
