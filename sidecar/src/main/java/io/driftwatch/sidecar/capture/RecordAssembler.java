package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.PredictionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns an exchange into prediction records: asks the exchange's parser for the payload rows, then
 * adds what every protocol shares (ids, model, timing, status, trace id, sampling weight, errors),
 * and removes or hashes the fields a {@link Redaction} names. A batch of B > 1 rows yields B
 * records with ids {@code <prediction id>/<row>}.
 */
public final class RecordAssembler {
  /** The model name written when neither the configuration, the path nor the payload names one. */
  public static final String UNKNOWN_MODEL = "unknown";

  private static final int MAX_ERROR_CHARS = 1024;

  private final String modelOverride;
  private final String versionOverride;
  private final Redaction redaction;

  /**
   * @param modelOverride the model name to write instead of the one the request names; empty for
   *     none
   * @param versionOverride the model version to write instead of the request's; empty for none
   */
  public RecordAssembler(String modelOverride, String versionOverride) {
    this(modelOverride, versionOverride, Redaction.NONE);
  }

  /**
   * @param modelOverride the model name to write instead of the one the request names; empty for
   *     none
   * @param versionOverride the model version to write instead of the request's; empty for none
   * @param redaction the features and outputs removed or hashed before a record is handed on
   */
  public RecordAssembler(String modelOverride, String versionOverride, Redaction redaction) {
    this.modelOverride = modelOverride == null ? "" : modelOverride;
    this.versionOverride = versionOverride == null ? "" : versionOverride;
    this.redaction = redaction;
  }

  /** The records of one exchange; at least one. Never throws for bad payloads. */
  public List<PredictionRecord> toRecords(Exchange exchange) {
    return toRecords(exchange, null);
  }

  /**
   * The records of one exchange, as {@link #toRecords(Exchange)}; when {@code stats} is not null,
   * the records of a successful prediction whose bodies the parser could not fully read are counted
   * there as unreadable, by protocol.
   */
  public List<PredictionRecord> toRecords(Exchange exchange, CaptureStats stats) {
    ExchangeParser.Payload payload = exchange.parser().parse(exchange);
    List<PredictionRecord> records = assemble(exchange, payload);
    if (stats != null && unreadable(exchange, payload, records.get(0))) {
      stats.unreadable(
          exchange.parser().protocol().name().toLowerCase(Locale.ROOT), records.size());
    }
    return records;
  }

  /**
   * Whether a successful exchange with both bodies had errors: then they are about reading those
   * bodies. (A logger event captured without its other half says so in its errors, and is counted
   * as unpaired instead.)
   */
  private static boolean unreadable(
      Exchange exchange, ExchangeParser.Payload payload, PredictionRecord record) {
    return !payload.errors().isEmpty()
        && record.getStatusCode() >= 200
        && record.getStatusCode() < 400
        && record.getGrpcStatus() == 0
        && exchange.requestBody().length > 0
        && exchange.responseBody().length > 0;
  }

  private List<PredictionRecord> assemble(Exchange exchange, ExchangeParser.Payload payload) {
    String model = firstNonEmpty(modelOverride, payload.model(), UNKNOWN_MODEL);
    String version = firstNonEmpty(versionOverride, payload.modelVersion(), "");
    List<String> errors = new ArrayList<>();
    if (!exchange.proxyError().isEmpty()) {
      errors.add(exchange.proxyError());
    }
    errors.addAll(payload.errors());
    String captureError = String.join("; ", errors);
    if (captureError.length() > MAX_ERROR_CHARS) {
      captureError = captureError.substring(0, MAX_ERROR_CHARS);
    }

    PredictionRecord.Builder base =
        PredictionRecord.newBuilder()
            .setSchemaVersion(Records.SCHEMA_VERSION)
            .setModel(model)
            .setModelVersion(version)
            .setTimestampMicros(exchange.startEpochMicros())
            .setLatencyMicros(exchange.latencyNanos() / 1_000)
            .setStatusCode(exchange.status())
            .setGrpcStatus(Math.max(0, KServeV2GrpcParser.grpcStatus(exchange.responseHeaders())))
            .setTraceId(traceId(exchange.requestHeaders().get("traceparent")))
            .setSamplingWeight(exchange.samplingWeight())
            .setProtocol(exchange.parser().protocol())
            .setCaptureError(captureError)
            .setTruncated(exchange.requestTruncated() || exchange.responseIncomplete());

    List<ExchangeParser.Row> rows = payload.rows();
    if (rows.isEmpty()) {
      return List.of(base.setPredictionId(exchange.predictionId()).build());
    }
    List<PredictionRecord> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      ExchangeParser.Row row = rows.get(i);
      String id = rows.size() == 1 ? exchange.predictionId() : exchange.predictionId() + "/" + i;
      out.add(
          base.clone()
              .setPredictionId(id)
              .putAllFeatures(redaction.apply(row.features()))
              .putAllOutputs(redaction.apply(row.outputs()))
              .build());
    }
    return out;
  }

  /** The trace id of a W3C {@code traceparent} header, or empty when absent or malformed. */
  static String traceId(String traceparent) {
    if (traceparent == null) {
      return "";
    }
    String[] parts = traceparent.trim().split("-");
    if (parts.length < 4 || parts[1].length() != 32 || !isLowerHex(parts[1])) {
      return "";
    }
    if (parts[1].chars().allMatch(c -> c == '0')) {
      return "";
    }
    return parts[1];
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static String firstNonEmpty(String a, String b, String fallback) {
    if (a != null && !a.isEmpty()) {
      return a;
    }
    if (b != null && !b.isEmpty()) {
      return b;
    }
    return fallback;
  }
}
