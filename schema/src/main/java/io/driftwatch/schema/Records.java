package io.driftwatch.schema;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.driftwatch.schema.v1.DriftEvent;
import io.driftwatch.schema.v1.LabelRecord;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.PredictionRecord;

/**
 * Reads and writes Driftwatch records: Protobuf bytes on Kafka, JSON for people and HTTP.
 *
 * <p>The decode methods never throw for bad input: they return {@link Decoded#failed} with a reason
 * whose first word (before the colon) is one of {@code empty}, {@code not_protobuf}, {@code
 * invalid}; callers count by that word and keep the detail for the dead-letter record.
 */
public final class Records {
  /** The schema version this code writes. Readers accept every version (see records.proto). */
  public static final int SCHEMA_VERSION = 1;

  private static final JsonFormat.Printer JSON_PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();

  private Records() {}

  /** Reads a prediction and checks the fields every consumer relies on. */
  public static Decoded<PredictionRecord> decodePrediction(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Decoded.failed("empty: no bytes");
    }
    PredictionRecord record;
    try {
      record = PredictionRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return Decoded.failed("not_protobuf: " + e.getMessage());
    }
    if (record.getModel().isEmpty()) {
      return Decoded.failed("invalid: model is empty");
    }
    if (record.getTimestampMicros() <= 0) {
      return Decoded.failed("invalid: timestamp_micros " + record.getTimestampMicros() + " <= 0");
    }
    if (record.getLatencyMicros() < 0) {
      return Decoded.failed("invalid: latency_micros " + record.getLatencyMicros() + " < 0");
    }
    return Decoded.ok(record);
  }

  /** Reads a label and checks that it names its prediction. */
  public static Decoded<LabelRecord> decodeLabel(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Decoded.failed("empty: no bytes");
    }
    LabelRecord record;
    try {
      record = LabelRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return Decoded.failed("not_protobuf: " + e.getMessage());
    }
    if (record.getPredictionId().isEmpty()) {
      return Decoded.failed("invalid: prediction_id is empty");
    }
    if (!record.hasLabel()) {
      return Decoded.failed("invalid: label is missing");
    }
    return Decoded.ok(record);
  }

  /** Reads a metric sample and checks that it has a name and a value. */
  public static Decoded<MetricSample> decodeMetric(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Decoded.failed("empty: no bytes");
    }
    MetricSample sample;
    try {
      sample = MetricSample.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return Decoded.failed("not_protobuf: " + e.getMessage());
    }
    if (!sample.getName().startsWith("driftwatch_")) {
      return Decoded.failed("invalid: metric name '" + sample.getName() + "' lacks driftwatch_");
    }
    if (sample.getValueCase() == MetricSample.ValueCase.VALUE_NOT_SET) {
      return Decoded.failed("invalid: metric " + sample.getName() + " has no value");
    }
    return Decoded.ok(sample);
  }

  /** Reads a drift event and checks that it names its model and kind. */
  public static Decoded<DriftEvent> decodeEvent(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Decoded.failed("empty: no bytes");
    }
    DriftEvent event;
    try {
      event = DriftEvent.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return Decoded.failed("not_protobuf: " + e.getMessage());
    }
    if (event.getModel().isEmpty() || event.getKind().isEmpty()) {
      return Decoded.failed("invalid: model and kind are required");
    }
    return Decoded.ok(event);
  }

  /** The JSON mapping of a record: proto field names, compact. */
  public static String toJson(Message message) {
    try {
      return JSON_PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail to print; our schema has none.
      throw new IllegalStateException("cannot print " + message.getDescriptorForType(), e);
    }
  }

  /**
   * Reads the JSON mapping into {@code builder}. Unknown fields are skipped, as in the binary form.
   *
   * @return null on success, else the reason the JSON could not be read
   */
  public static String mergeJson(String json, Message.Builder builder) {
    try {
      JSON_PARSER.merge(json, builder);
      return null;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return "invalid_json: " + e.getMessage();
    }
  }
}
