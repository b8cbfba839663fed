package io.driftwatch.jobs.traffic;

import com.google.protobuf.CodedInputStream;
import io.driftwatch.jobs.drift.Columns;
import java.io.IOException;
import java.util.Arrays;

/**
 * The fields of a {@code PredictionRecord} that the job's branches read, taken straight from the
 * wire format: no generated message, no map of {@code Value} messages, so decoding costs little
 * more than the strings it must create. Features and outputs go directly into {@link Columns}.
 *
 * <p>A fast path only: {@link #parse} gives up (returns null) on anything that is not a plain,
 * valid, accepted record — malformed bytes, a record {@code Records.decodePrediction} would reject,
 * a list value, a repeated map key or a map value sent twice — and the caller then decodes with
 * {@code Records.decodePrediction}, which gives the reason. Where it does not give up it reads what
 * protobuf-java reads: every string is checked as UTF-8 by protobuf's own reader, unknown fields
 * and known fields with another wire type are skipped, a repeated scalar field keeps its last
 * value, a map entry without key or value has the defaults, and a oneof keeps the last member set;
 * columns are in the order their keys first appear, as protobuf's map iterates them.
 */
final class PredictionProjection {
  String predictionId = "";
  String model = "";
  String version = "";
  long timestampMicros;
  long latencyMicros;
  int statusCode;
  int grpcStatus;
  double samplingWeight;

  /** Null when the record carried none, as {@link Columns#of} gives for an empty map. */
  Columns features;

  Columns outputs;

  private PredictionProjection() {}

  /** The projection, or null when the caller must decode the full record. */
  static PredictionProjection parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    try {
      PredictionProjection p = new PredictionProjection();
      return p.read(CodedInputStream.newInstance(bytes)) ? p : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The traffic branch's projection, as {@link TrafficEvent#of} makes it. */
  TrafficEvent trafficEvent() {
    TrafficEvent e = new TrafficEvent();
    e.model = model;
    e.version = version;
    e.latencySeconds = latencyMicros / 1e6;
    e.statusCode = statusCode;
    e.grpcStatus = grpcStatus;
    e.samplingWeight = samplingWeight;
    return e;
  }

  private boolean read(CodedInputStream in) throws IOException {
    ColumnsBuilder features = null;
    ColumnsBuilder outputs = null;
    while (true) {
      int tag = in.readTag();
      switch (tag) {
        case 0 -> {
          // The checks of Records.decodePrediction: a rejected record takes the full path.
          if (model.isEmpty() || timestampMicros <= 0 || latencyMicros < 0) {
            return false;
          }
          this.features = features == null ? null : features.build();
          this.outputs = outputs == null ? null : outputs.build();
          return true;
        }
        case 8 -> in.readUInt32(); // schema_version
        case 18 -> predictionId = in.readStringRequireUtf8();
        case 26 -> model = in.readStringRequireUtf8();
        case 34 -> version = in.readStringRequireUtf8();
        case 40 -> timestampMicros = in.readInt64();
        case 48 -> latencyMicros = in.readInt64();
        case 56 -> statusCode = in.readInt32();
        case 66 -> {
          if (features == null) {
            features = new ColumnsBuilder();
          }
          if (!readValueEntry(in, features)) {
            return false;
          }
        }
        case 74 -> {
          if (outputs == null) {
            outputs = new ColumnsBuilder();
          }
          if (!readValueEntry(in, outputs)) {
            return false;
          }
        }
        case 82 -> {
          if (!readStringEntry(in)) { // segments: checked, not kept
            return false;
          }
        }
        case 90 -> in.readStringRequireUtf8(); // trace_id
        case 97 -> samplingWeight = in.readDouble();
        case 104 -> in.readEnum(); // protocol
        case 114 -> in.readStringRequireUtf8(); // capture_error
        case 120 -> in.readBool(); // truncated
        case 128 -> grpcStatus = in.readInt32();
        default -> {
          if (!in.skipField(tag)) {
            return false; // an end-group tag: malformed here
          }
        }
      }
    }
  }

  /** One {@code map<string, Value>} entry. */
  private static boolean readValueEntry(CodedInputStream in, ColumnsBuilder columns)
      throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String key = "";
    byte kind = Columns.NULL;
    double number = 0;
    String text = null;
    boolean valueSeen = false;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      } else if (tag == 10) {
        key = in.readStringRequireUtf8();
      } else if (tag == 18) {
        if (valueSeen) {
          return false; // protobuf would merge the two values
        }
        valueSeen = true;
        int valueLimit = in.pushLimit(in.readRawVarint32());
        while (true) {
          int t = in.readTag();
          if (t == 0) {
            break;
          } else if (t == 9) {
            kind = Columns.NUMBER;
            number = in.readDouble();
          } else if (t == 18) {
            kind = Columns.TEXT;
            text = in.readStringRequireUtf8();
          } else if (t == 24) {
            kind = in.readBool() ? Columns.TRUE : Columns.FALSE;
          } else if (t == 32) {
            in.readBool();
            kind = Columns.NULL;
          } else if (t == 42) {
            return false; // a number list: the full path parses and checks it
          } else if (!in.skipField(t)) {
            return false;
          }
        }
        in.popLimit(valueLimit);
      } else if (!in.skipField(tag)) {
        return false;
      }
    }
    in.popLimit(limit);
    return columns.add(key, kind, number, text);
  }

  /** One {@code map<string, string>} entry, read for its checks only. */
  private static boolean readStringEntry(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      } else if (tag == 10 || tag == 18) {
        in.readStringRequireUtf8();
      } else if (!in.skipField(tag)) {
        return false;
      }
    }
    in.popLimit(limit);
    return true;
  }

  /** Collects columns in wire order. */
  private static final class ColumnsBuilder {
    private String[] names = new String[24];
    private byte[] kinds = new byte[24];
    private double[] numbers = new double[24];
    private String[] texts = new String[24];
    private int[] hashes = new int[24];
    private int size;

    /** False for a key already present: protobuf would replace that value in place. */
    boolean add(String name, byte kind, double number, String text) {
      int hash = name.hashCode();
      for (int i = 0; i < size; i++) {
        if (hashes[i] == hash && names[i].equals(name)) {
          return false;
        }
      }
      if (size == names.length) {
        int n = size * 2;
        names = Arrays.copyOf(names, n);
        kinds = Arrays.copyOf(kinds, n);
        numbers = Arrays.copyOf(numbers, n);
        texts = Arrays.copyOf(texts, n);
        hashes = Arrays.copyOf(hashes, n);
      }
      hashes[size] = hash;
      names[size] = name;
      kinds[size] = kind;
      if (kind == Columns.NUMBER) {
        numbers[size] = number;
      } else if (kind == Columns.TEXT) {
        texts[size] = text;
      }
      size++;
      return true;
    }

    Columns build() {
      Columns c = new Columns();
      c.names = Arrays.copyOf(names, size);
      c.kinds = Arrays.copyOf(kinds, size);
      c.numbers = Arrays.copyOf(numbers, size);
      c.texts = Arrays.copyOf(texts, size);
      return c;
    }
  }
}
