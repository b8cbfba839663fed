package io.driftwatch.sidecar.capture;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import com.google.protobuf.WireFormat;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes a {@link PredictionRecord} to its Protobuf wire bytes, the same bytes as {@link
 * PredictionRecord#toByteArray()} but without its per-record garbage.
 *
 * <p>Why: protobuf-java's generated code serializes a map field by building a {@code MapEntry}
 * message for every entry, once to compute the size and again to write it; with a record's features
 * and outputs that was about a quarter of the capture thread's CPU. This writer computes the sizes
 * itself (a map entry is a length-delimited message with the key as field 1 and the value as field
 * 2, both always written) and writes straight into the returned array.
 *
 * <p>Output: fields in field-number order, implicit-presence fields skipped when they hold their
 * default, oneof members written whenever set, map entries in the map's iteration order. That is
 * what the generated code does, so the bytes are equal to {@code toByteArray()}'s; the tests check
 * it against protobuf-java's own encoder.
 *
 * <p>Safety: the writer knows the schema it was written for. When the generated classes have a
 * field it does not know (the .proto grew and this class was not updated), or a record carries
 * unknown fields (parsed from a newer writer's bytes), it falls back to {@code toByteArray()} so
 * that nothing is silently dropped; only speed is lost.
 *
 * <p>Not thread-safe: it keeps scratch space between calls. The capture worker, the only caller of
 * {@link RecordSink#send}, owns one.
 */
public final class PredictionRecordWriter {

  // Field numbers, as in records.proto.
  private static final int SCHEMA_VERSION = 1;
  private static final int PREDICTION_ID = 2;
  private static final int MODEL = 3;
  private static final int MODEL_VERSION = 4;
  private static final int TIMESTAMP_MICROS = 5;
  private static final int LATENCY_MICROS = 6;
  private static final int STATUS_CODE = 7;
  private static final int FEATURES = 8;
  private static final int OUTPUTS = 9;
  private static final int SEGMENTS = 10;
  private static final int TRACE_ID = 11;
  private static final int SAMPLING_WEIGHT = 12;
  private static final int PROTOCOL = 13;
  private static final int CAPTURE_ERROR = 14;
  private static final int TRUNCATED = 15;
  private static final int GRPC_STATUS = 16;

  private static final int VALUE_NUMBER = 1;
  private static final int VALUE_TEXT = 2;
  private static final int VALUE_FLAG = 3;
  private static final int VALUE_NULL = 4;
  private static final int VALUE_NUMBERS = 5;

  private static final int NUMBER_LIST_VALUES = 1;

  private static final int MAP_KEY = 1;
  private static final int MAP_VALUE = 2;

  /** Bytes of the tag of a packed/length-delimited field 1..15: always one. */
  private static final int SMALL_TAG = 1;

  /**
   * Whether the generated classes have exactly the fields this writer encodes, with the types it
   * encodes them as. Checked once: a field added to the .proto (or a changed type) without a change
   * here would otherwise be silently lost, so the writer then always falls back.
   */
  private static final boolean SCHEMA_KNOWN = schemaKnown();

  // The map entries of the record being encoded, features then outputs then segments, each map in
  // its iteration order: key, value (a Value or a String), the entry's size and (for a Value) the
  // value's size. Filled by the size pass, read by the write pass: the maps are iterated once and
  // no size is computed twice. Kept between records (one thread), so they cost nothing once grown.
  private String[] keys = new String[32];
  private Object[] values = new Object[32];
  private int[] entrySizes = new int[32];
  private int[] valueSizes = new int[32];
  private int entryCount;
  // Where the outputs' and the segments' entries begin.
  private int outputsStart;
  private int segmentsStart;

  /** Whether this writer encodes records itself (false: it falls back for every record). */
  static boolean schemaKnownForTest() {
    return SCHEMA_KNOWN;
  }

  /**
   * The record's wire bytes, equal to {@code record.toByteArray()}.
   *
   * @return a new array, owned by the caller
   */
  public byte[] encode(PredictionRecord record) {
    if (!SCHEMA_KNOWN || !record.getUnknownFields().isEmpty()) {
      // Unknown fields would be dropped by the fast path; the generated code keeps them.
      return record.toByteArray();
    }
    try {
      int size = recordSize(record);
      if (size < 0) {
        // A nested value had unknown fields: see valueSize.
        return record.toByteArray();
      }
      byte[] out = new byte[size];
      // Writing into the exact-size result array: no intermediate buffer, no copy.
      CodedOutputStream cos = CodedOutputStream.newInstance(out);
      writeRecord(record, cos);
      cos.checkNoSpaceLeft();
      return out;
    } catch (IOException e) {
      // Only when the size pass and the write pass disagree: a bug here, never an I/O error.
      throw new UncheckedIOException("PredictionRecordWriter: size mismatch", e);
    } finally {
      // Not to keep the last record's strings and values reachable until the next one.
      Arrays.fill(keys, 0, entryCount, null);
      Arrays.fill(values, 0, entryCount, null);
      entryCount = 0;
    }
  }

  // ---- size pass ----------------------------------------------------------------------------

  /** The record's encoded size, or -1 when a nested message has unknown fields. */
  private int recordSize(PredictionRecord r) {
    int size = 0;
    if (r.getSchemaVersion() != 0) {
      size += CodedOutputStream.computeUInt32Size(SCHEMA_VERSION, r.getSchemaVersion());
    }
    size += stringSizeIfSet(PREDICTION_ID, r.getPredictionId());
    size += stringSizeIfSet(MODEL, r.getModel());
    size += stringSizeIfSet(MODEL_VERSION, r.getModelVersion());
    if (r.getTimestampMicros() != 0) {
      size += CodedOutputStream.computeInt64Size(TIMESTAMP_MICROS, r.getTimestampMicros());
    }
    if (r.getLatencyMicros() != 0) {
      size += CodedOutputStream.computeInt64Size(LATENCY_MICROS, r.getLatencyMicros());
    }
    if (r.getStatusCode() != 0) {
      size += CodedOutputStream.computeInt32Size(STATUS_CODE, r.getStatusCode());
    }
    entryCount = 0;
    int maps = valueMapSize(r.getFeaturesMap());
    if (maps < 0) {
      return -1;
    }
    size += maps;
    outputsStart = entryCount;
    maps = valueMapSize(r.getOutputsMap());
    if (maps < 0) {
      return -1;
    }
    size += maps;
    segmentsStart = entryCount;
    size += stringMapSize(r.getSegmentsMap());
    size += stringSizeIfSet(TRACE_ID, r.getTraceId());
    // Raw bits, as the generated code: -0.0 and NaN are not the default and are written.
    if (Double.doubleToRawLongBits(r.getSamplingWeight()) != 0) {
      size += CodedOutputStream.computeDoubleSize(SAMPLING_WEIGHT, r.getSamplingWeight());
    }
    // The number, not the enum constant: an unrecognized value read from newer bytes survives.
    if (r.getProtocolValue() != 0) {
      size += CodedOutputStream.computeEnumSize(PROTOCOL, r.getProtocolValue());
    }
    size += stringSizeIfSet(CAPTURE_ERROR, r.getCaptureError());
    if (r.getTruncated()) {
      size += CodedOutputStream.computeBoolSize(TRUNCATED, true);
    }
    if (r.getGrpcStatus() != 0) {
      size += CodedOutputStream.computeInt32Size(GRPC_STATUS, r.getGrpcStatus());
    }
    return size;
  }

  private static int stringSizeIfSet(int field, String s) {
    return s.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, s);
  }

  /**
   * The size of a {@code map<string, Value>} field's entries, all tags included; records each
   * entry's and value's size. -1 when a value has unknown fields.
   */
  private int valueMapSize(Map<String, Value> map) {
    if (map.isEmpty()) {
      return 0;
    }
    int total = 0;
    for (Map.Entry<String, Value> e : map.entrySet()) {
      Value value = e.getValue();
      int valueSize = valueSize(value);
      if (valueSize < 0) {
        return -1;
      }
      // Key and value are always written in a map entry, even when empty (as protobuf-java does).
      int entrySize =
          CodedOutputStream.computeStringSize(MAP_KEY, e.getKey())
              + SMALL_TAG
              + CodedOutputStream.computeUInt32SizeNoTag(valueSize)
              + valueSize;
      add(e.getKey(), value, entrySize, valueSize);
      total += SMALL_TAG + CodedOutputStream.computeUInt32SizeNoTag(entrySize) + entrySize;
    }
    return total;
  }

  /** The size of the {@code map<string, string>} field's entries; records each entry's size. */
  private int stringMapSize(Map<String, String> map) {
    if (map.isEmpty()) {
      return 0;
    }
    int total = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      int entrySize =
          CodedOutputStream.computeStringSize(MAP_KEY, e.getKey())
              + CodedOutputStream.computeStringSize(MAP_VALUE, e.getValue());
      add(e.getKey(), e.getValue(), entrySize, 0);
      total += SMALL_TAG + CodedOutputStream.computeUInt32SizeNoTag(entrySize) + entrySize;
    }
    return total;
  }

  /**
   * A Value's encoded size (without its own tag and length), or -1 when it or its number list has
   * unknown fields: those would be lost here, so the caller falls back.
   */
  private static int valueSize(Value v) {
    if (!v.getUnknownFields().isEmpty()) {
      return -1;
    }
    // A oneof member has explicit presence: written when set, even 0, "", false or an empty list.
    switch (v.getKindCase()) {
      case NUMBER:
        return SMALL_TAG + Double.BYTES;
      case TEXT:
        return CodedOutputStream.computeStringSize(VALUE_TEXT, v.getText());
      case FLAG:
      case NULL:
        return SMALL_TAG + 1;
      case NUMBERS:
        {
          NumberList list = v.getNumbers();
          if (!list.getUnknownFields().isEmpty()) {
            return -1;
          }
          int listSize = numberListSize(list.getValuesCount());
          return SMALL_TAG + CodedOutputStream.computeUInt32SizeNoTag(listSize) + listSize;
        }
      case KIND_NOT_SET:
        return 0;
      default:
        // A kind added to the oneof is a new field, which schemaKnown() already refused.
        throw new IllegalStateException("PredictionRecordWriter: unknown Value kind");
    }
  }

  /** A NumberList's size: one packed field, absent when the list is empty. */
  private static int numberListSize(int count) {
    if (count == 0) {
      return 0;
    }
    int payload = count * Double.BYTES;
    return SMALL_TAG + CodedOutputStream.computeUInt32SizeNoTag(payload) + payload;
  }

  private void add(String key, Object value, int entrySize, int valueSize) {
    if (entryCount == keys.length) {
      int n = keys.length * 2;
      keys = Arrays.copyOf(keys, n);
      values = Arrays.copyOf(values, n);
      entrySizes = Arrays.copyOf(entrySizes, n);
      valueSizes = Arrays.copyOf(valueSizes, n);
    }
    keys[entryCount] = key;
    values[entryCount] = value;
    entrySizes[entryCount] = entrySize;
    valueSizes[entryCount] = valueSize;
    entryCount++;
  }

  // ---- write pass ---------------------------------------------------------------------------

  private void writeRecord(PredictionRecord r, CodedOutputStream out) throws IOException {
    if (r.getSchemaVersion() != 0) {
      out.writeUInt32(SCHEMA_VERSION, r.getSchemaVersion());
    }
    writeStringIfSet(out, PREDICTION_ID, r.getPredictionId());
    writeStringIfSet(out, MODEL, r.getModel());
    writeStringIfSet(out, MODEL_VERSION, r.getModelVersion());
    if (r.getTimestampMicros() != 0) {
      out.writeInt64(TIMESTAMP_MICROS, r.getTimestampMicros());
    }
    if (r.getLatencyMicros() != 0) {
      out.writeInt64(LATENCY_MICROS, r.getLatencyMicros());
    }
    if (r.getStatusCode() != 0) {
      out.writeInt32(STATUS_CODE, r.getStatusCode());
    }
    writeValueEntries(out, FEATURES, 0, outputsStart);
    writeValueEntries(out, OUTPUTS, outputsStart, segmentsStart);
    writeStringEntries(out, SEGMENTS, segmentsStart, entryCount);
    writeStringIfSet(out, TRACE_ID, r.getTraceId());
    if (Double.doubleToRawLongBits(r.getSamplingWeight()) != 0) {
      out.writeDouble(SAMPLING_WEIGHT, r.getSamplingWeight());
    }
    if (r.getProtocolValue() != 0) {
      out.writeEnum(PROTOCOL, r.getProtocolValue());
    }
    writeStringIfSet(out, CAPTURE_ERROR, r.getCaptureError());
    if (r.getTruncated()) {
      out.writeBool(TRUNCATED, true);
    }
    if (r.getGrpcStatus() != 0) {
      out.writeInt32(GRPC_STATUS, r.getGrpcStatus());
    }
  }

  private static void writeStringIfSet(CodedOutputStream out, int field, String s)
      throws IOException {
    if (!s.isEmpty()) {
      out.writeString(field, s);
    }
  }

  /** The entries {@code from} (inclusive) to {@code to} of a {@code map<string, Value>} field. */
  private void writeValueEntries(CodedOutputStream out, int field, int from, int to)
      throws IOException {
    for (int i = from; i < to; i++) {
      out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(entrySizes[i]);
      out.writeString(MAP_KEY, keys[i]);
      out.writeTag(MAP_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(valueSizes[i]);
      writeValue(out, (Value) values[i]);
    }
  }

  /** The entries {@code from} (inclusive) to {@code to} of a {@code map<string, string>} field. */
  private void writeStringEntries(CodedOutputStream out, int field, int from, int to)
      throws IOException {
    for (int i = from; i < to; i++) {
      out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(entrySizes[i]);
      out.writeString(MAP_KEY, keys[i]);
      out.writeString(MAP_VALUE, (String) values[i]);
    }
  }

  /** A Value's fields (its tag and length already written). */
  private static void writeValue(CodedOutputStream out, Value v) throws IOException {
    switch (v.getKindCase()) {
      case NUMBER:
        out.writeDouble(VALUE_NUMBER, v.getNumber());
        break;
      case TEXT:
        out.writeString(VALUE_TEXT, v.getText());
        break;
      case FLAG:
        out.writeBool(VALUE_FLAG, v.getFlag());
        break;
      case NULL:
        out.writeBool(VALUE_NULL, v.getNull());
        break;
      case NUMBERS:
        {
          NumberList list = v.getNumbers();
          int count = list.getValuesCount();
          out.writeTag(VALUE_NUMBERS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          out.writeUInt32NoTag(numberListSize(count));
          if (count > 0) {
            // Packed: one length-delimited field holding the doubles back to back.
            out.writeTag(NUMBER_LIST_VALUES, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(count * Double.BYTES);
            for (int i = 0; i < count; i++) {
              out.writeDoubleNoTag(list.getValues(i));
            }
          }
          break;
        }
      case KIND_NOT_SET:
        break;
      default:
        throw new IllegalStateException("PredictionRecordWriter: unknown Value kind");
    }
  }

  // ---- schema check -------------------------------------------------------------------------

  private static boolean schemaKnown() {
    return schemaMatches(
        PredictionRecord.getDescriptor(), Value.getDescriptor(), NumberList.getDescriptor());
  }

  /**
   * Whether the three messages have exactly the fields this writer encodes, with the types and
   * shapes it encodes them as. Takes the descriptors as arguments so that a test can offer a grown
   * schema.
   */
  static boolean schemaMatches(Descriptor record, Descriptor value, Descriptor numberList) {
    return fieldsAre(
            record,
            List.of(
                field(SCHEMA_VERSION, Type.UINT32),
                field(PREDICTION_ID, Type.STRING),
                field(MODEL, Type.STRING),
                field(MODEL_VERSION, Type.STRING),
                field(TIMESTAMP_MICROS, Type.INT64),
                field(LATENCY_MICROS, Type.INT64),
                field(STATUS_CODE, Type.INT32),
                map(FEATURES, Type.MESSAGE),
                map(OUTPUTS, Type.MESSAGE),
                map(SEGMENTS, Type.STRING),
                field(TRACE_ID, Type.STRING),
                field(SAMPLING_WEIGHT, Type.DOUBLE),
                field(PROTOCOL, Type.ENUM),
                field(CAPTURE_ERROR, Type.STRING),
                field(TRUNCATED, Type.BOOL),
                field(GRPC_STATUS, Type.INT32)))
        && fieldsAre(
            value,
            List.of(
                oneof(VALUE_NUMBER, Type.DOUBLE),
                oneof(VALUE_TEXT, Type.STRING),
                oneof(VALUE_FLAG, Type.BOOL),
                oneof(VALUE_NULL, Type.BOOL),
                oneof(VALUE_NUMBERS, Type.MESSAGE)))
        && fieldsAre(numberList, List.of(packed(NUMBER_LIST_VALUES, Type.DOUBLE)))
        // The map values and the oneof's message must be the messages checked here.
        && mapValueType(record, FEATURES) == value
        && mapValueType(record, OUTPUTS) == value
        && value.findFieldByNumber(VALUE_NUMBERS).getMessageType() == numberList;
  }

  private static Descriptor mapValueType(Descriptor d, int mapField) {
    return d.findFieldByNumber(mapField)
        .getMessageType()
        .findFieldByNumber(MAP_VALUE)
        .getMessageType();
  }

  /** How this writer encodes a field: its number, type, and shape. */
  private record Known(int number, Type type, Shape shape) {}

  private enum Shape {
    /** Proto3 implicit presence: skipped when default. */
    SINGULAR,
    /** A member of a oneof: written when set. */
    ONEOF,
    /** A {@code map<string, V>}. */
    MAP,
    /** A packed repeated scalar. */
    PACKED
  }

  private static Known field(int number, Type type) {
    return new Known(number, type, Shape.SINGULAR);
  }

  private static Known oneof(int number, Type type) {
    return new Known(number, type, Shape.ONEOF);
  }

  private static Known map(int number, Type valueType) {
    return new Known(number, valueType, Shape.MAP);
  }

  private static Known packed(int number, Type type) {
    return new Known(number, type, Shape.PACKED);
  }

  /** Whether {@code d} has exactly the fields in {@code known}, each as described there. */
  private static boolean fieldsAre(Descriptor d, List<Known> known) {
    if (d.getFields().size() != known.size()) {
      return false;
    }
    for (Known k : known) {
      FieldDescriptor f = d.findFieldByNumber(k.number());
      if (f == null || !matches(f, k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(FieldDescriptor f, Known k) {
    switch (k.shape()) {
      case SINGULAR:
        return !f.isRepeated()
            && !f.hasPresence()
            && f.getRealContainingOneof() == null
            && f.getType() == k.type();
      case ONEOF:
        return !f.isRepeated() && f.getRealContainingOneof() != null && f.getType() == k.type();
      case MAP:
        if (!f.isMapField()) {
          return false;
        }
        Descriptor entry = f.getMessageType();
        return entry.findFieldByNumber(MAP_KEY).getType() == Type.STRING
            && entry.findFieldByNumber(MAP_VALUE).getType() == k.type();
      case PACKED:
        return f.isRepeated() && f.isPacked() && f.getType() == k.type();
      default:
        return false;
    }
  }
}
