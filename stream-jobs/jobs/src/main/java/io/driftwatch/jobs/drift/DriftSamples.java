package io.driftwatch.jobs.drift;

import io.driftwatch.jobs.drift.DriftEvaluation.ColumnVerdict;
import io.driftwatch.jobs.drift.DriftEvaluation.Reference;
import io.driftwatch.jobs.drift.DriftEvaluation.Result;
import io.driftwatch.jobs.drift.DriftEvaluation.Role;
import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.jobs.metrics.Samples;
import io.driftwatch.schema.MetricCatalog;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.DriftEvent;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.MetricType;
import io.driftwatch.stats.drift.DriftResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The drift branch's MetricSamples and DriftEvents for one evaluated window. */
final class DriftSamples {
  static final String SCORE = MetricCatalog.FEATURE_DRIFT_SCORE.metricName();
  static final String DETECTED = MetricCatalog.FEATURE_DRIFT_DETECTED.metricName();
  static final String P_VALUE = MetricCatalog.FEATURE_DRIFT_P_VALUE.metricName();
  static final String EFFECT_SIZE = MetricCatalog.FEATURE_DRIFT_EFFECT_SIZE.metricName();
  static final String THRESHOLD = MetricCatalog.FEATURE_DRIFT_THRESHOLD.metricName();
  static final String ERROR_BOUND = MetricCatalog.FEATURE_DRIFT_ERROR_BOUND.metricName();
  static final String MISSING = MetricCatalog.FEATURE_MISSING_RATIO.metricName();
  static final String TYPE_MISMATCH = MetricCatalog.FEATURE_TYPE_MISMATCH_RATIO.metricName();
  static final String OUT_OF_RANGE = MetricCatalog.FEATURE_OUT_OF_RANGE_RATIO.metricName();
  static final String NEW_CATEGORY = MetricCatalog.FEATURE_NEW_CATEGORY_RATIO.metricName();
  static final String DATASET_SHARE = MetricCatalog.DATASET_DRIFT_SHARE.metricName();
  static final String DATASET_DETECTED = MetricCatalog.DATASET_DRIFT_DETECTED.metricName();
  static final String WINDOW_RECORDS = MetricCatalog.DRIFT_WINDOW_RECORDS.metricName();
  static final String REFERENCE_RECORDS = MetricCatalog.DRIFT_REFERENCE_RECORDS.metricName();
  static final String REFERENCE_PUBLISHED = MetricCatalog.DRIFT_REFERENCE_PUBLISHED.metricName();

  private DriftSamples() {}

  /** Every metric sample of one window, keyed for the compacted metrics topic. */
  static List<EncodedRecord> metrics(
      String model, String version, long windowStart, long windowEnd, Result r) {
    Samples s = new Samples(windowStart, windowEnd);
    List<MetricSample> out = new ArrayList<>();
    Map<String, String> series = Map.of("model", model, "version", version);
    for (Role role : Role.values()) {
      long records = role == Role.INPUT ? r.inputRecords() : r.outputRecords();
      Map<String, String> byRole = with(series, "role", role.label());
      out.add(s.number(WINDOW_RECORDS, byRole, MetricType.GAUGE, records));
      Reference ref = r.references() == null ? null : r.references().of(role);
      if (ref != null) {
        out.add(s.number(REFERENCE_RECORDS, byRole, MetricType.GAUGE, ref.records()));
        out.add(s.number(REFERENCE_PUBLISHED, byRole, MetricType.GAUGE, ref.published() ? 1 : 0));
      }
    }
    for (ColumnVerdict v : r.columns()) {
      Map<String, String> column =
          with(with(series, "feature", v.column()), "role", v.role().label());
      out.add(s.number(MISSING, column, MetricType.GAUGE, v.missingRatio()));
      out.add(s.number(TYPE_MISMATCH, column, MetricType.GAUGE, v.typeMismatchRatio()));
      if (!Double.isNaN(v.outOfRangeRatio())) {
        out.add(s.number(OUT_OF_RANGE, column, MetricType.GAUGE, v.outOfRangeRatio()));
      }
      if (!Double.isNaN(v.newCategoryRatio())) {
        out.add(s.number(NEW_CATEGORY, column, MetricType.GAUGE, v.newCategoryRatio()));
      }
      DriftResult d = v.drift();
      if (d == null) {
        continue;
      }
      // detected carries no method label: a change of method (a profile published after the first
      // records served as the reference) must not leave a stale series that still says 1
      out.add(s.number(DETECTED, column, MetricType.GAUGE, d.drift() ? 1 : 0));
      Map<String, String> method = with(column, "method", d.method());
      out.add(s.number(SCORE, method, MetricType.GAUGE, d.score()));
      if (d.hasPValue()) {
        out.add(s.number(P_VALUE, method, MetricType.GAUGE, d.pValue()));
      }
      if (!Double.isNaN(d.effectSize())) {
        out.add(s.number(EFFECT_SIZE, method, MetricType.GAUGE, d.effectSize()));
      }
      out.add(s.number(THRESHOLD, method, MetricType.GAUGE, d.threshold()));
      if (!Double.isNaN(d.errorBound())) {
        out.add(s.number(ERROR_BOUND, method, MetricType.GAUGE, d.errorBound()));
      }
    }
    if (r.dataset() != null) {
      out.add(s.number(DATASET_SHARE, series, MetricType.GAUGE, r.dataset().share()));
      out.add(s.number(DATASET_DETECTED, series, MetricType.GAUGE, r.dataset().drift() ? 1 : 0));
    }
    return out.stream().map(Samples::encode).toList();
  }

  /** One DriftEvent per drifted column, keyed by {@code model/version}. */
  static List<EncodedRecord> events(
      String model, String version, long windowStart, long windowEnd, Result r) {
    List<EncodedRecord> out = new ArrayList<>();
    byte[] key = (model + "/" + version).getBytes(StandardCharsets.UTF_8);
    for (ColumnVerdict v : r.columns()) {
      DriftResult d = v.drift();
      if (d == null || !d.drift()) {
        continue;
      }
      Reference ref = r.references().of(v.role());
      DriftEvent.Builder e =
          DriftEvent.newBuilder()
              .setSchemaVersion(Records.SCHEMA_VERSION)
              .setEventId(
                  eventId(
                      v.role().eventKind(),
                      model,
                      version,
                      v.column(),
                      d.method(),
                      windowStart,
                      windowEnd))
              .setModel(model)
              .setModelVersion(version)
              .setKind(v.role().eventKind())
              .setSubject(v.column())
              .setMethod(d.method())
              .setStatistic(d.statistic())
              .setThreshold(d.threshold())
              .setErrorBound(d.errorBound())
              .setWindowStartMillis(windowStart)
              .setWindowEndMillis(windowEnd)
              .putEvidence("role", v.role().label())
              .putEvidence("effect_size", format(d.effectSize()))
              .putEvidence("effect_size_measure", String.valueOf(d.effectSizeMeasure()))
              .putEvidence("window_values", Long.toString(v.values()))
              .putEvidence("window_records", Long.toString(v.records()))
              .putEvidence("reference_records", Long.toString(ref.records()))
              .putEvidence("reference", ref.published() ? "published" : "first_records")
              .putEvidence("missing_ratio", format(v.missingRatio()));
      if (d.hasPValue()) {
        e.setPValue(d.pValue());
      }
      out.add(new EncodedRecord(key, e.build().toByteArray()));
    }
    return out;
  }

  /**
   * A deterministic event id (a name-based UUID) for a detector, series, subject and window, so a
   * replay after a restart writes the same id again and consumers can drop the duplicate.
   */
  static String eventId(
      String kind,
      String model,
      String version,
      String subject,
      String method,
      long windowStart,
      long windowEnd) {
    String name =
        String.join(
            "\n",
            kind,
            model,
            version,
            subject,
            method,
            Long.toString(windowStart),
            Long.toString(windowEnd));
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }

  private static Map<String, String> with(Map<String, String> labels, String k, String v) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>(labels);
    m.put(k, v);
    return m;
  }
}
