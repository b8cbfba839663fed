package io.driftwatch.sidecar.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.ByteString;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.Value;
import io.driftwatch.sidecar.capture.oip.InferTensorContents;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns Open Inference Protocol gRPC tensors into rows, the way {@link KServeV2Parser} does for
 * REST: dimension 0 is the batch; one element per row gives a scalar (number, flag for {@code
 * BOOL}, text for {@code BYTES}), more give a list of numbers ({@code BOOL} as 0/1) or, for {@code
 * BYTES}, a JSON array text. Elements come from the typed {@code contents} or from the raw
 * little-endian bytes ({@code raw_input_contents} / {@code raw_output_contents}).
 */
final class InferTensors {
  private InferTensors() {}

  /**
   * One tensor of a request or response, whichever message it came in.
   *
   * @param contents the typed elements; null when the tensor has none
   */
  record Tensor(String name, String datatype, List<Long> shape, InferTensorContents contents) {}

  /** A tensor's elements: exactly one of the arrays is set. */
  private record Elements(double[] numbers, boolean[] flags, List<String> texts) {
    int size() {
      return numbers != null ? numbers.length : flags != null ? flags.length : texts.size();
    }
  }

  /**
   * Reads the tensors of one side into rows.
   *
   * @param side "request" or "response", the prefix of error messages
   * @param raw the raw contents, one per tensor in order; empty when the tensors carry contents
   * @return one map per batch row; a tensor that cannot be read is left out and described in {@code
   *     errors}
   */
  static List<Map<String, Value>> rows(
      String side, List<Tensor> tensors, List<ByteString> raw, List<String> errors) {
    List<Map<String, Value>> rows = new ArrayList<>();
    if (!raw.isEmpty() && raw.size() != tensors.size()) {
      errors.add(side + ": " + raw.size() + " raw contents for " + tensors.size() + " tensors");
    }
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      String name = t.name();
      if (name.isEmpty()) {
        errors.add(side + ": tensor without a name");
        continue;
      }
      String where = side + ": tensor '" + JsonBodies.clip(name) + "'";
      String datatype = t.datatype().toUpperCase(Locale.ROOT);
      Elements elements;
      if (raw.isEmpty()) {
        elements = t.contents() == null ? null : fromContents(datatype, t.contents());
        if (elements == null) {
          errors.add(where + " has no " + JsonBodies.clip(datatype) + " contents");
          continue;
        }
      } else {
        if (i >= raw.size()) {
          continue;
        }
        elements = fromRaw(datatype, raw.get(i));
        if (elements == null) {
          errors.add(
              where
                  + ": raw contents of "
                  + raw.get(i).size()
                  + " bytes are not "
                  + JsonBodies.clip(datatype));
          continue;
        }
      }
      addColumn(where, name, t.shape(), elements, rows, errors);
    }
    return rows;
  }

  private static void addColumn(
      String where,
      String name,
      List<Long> shape,
      Elements elements,
      List<Map<String, Value>> rows,
      List<String> errors) {
    long batch = shape.isEmpty() ? 1 : shape.get(0);
    long perRow = 1;
    long total;
    try {
      for (int d = 1; d < shape.size(); d++) {
        if (shape.get(d) < 0) {
          throw new ArithmeticException();
        }
        perRow = Math.multiplyExact(perRow, shape.get(d));
      }
      total = batch < 0 ? -1 : Math.multiplyExact(batch, perRow);
    } catch (ArithmeticException e) {
      total = -1;
    }
    if (total != elements.size()) {
      errors.add(where + " has " + elements.size() + " values for shape " + shape);
      return;
    }
    boolean list = perRow != 1;
    for (int r = 0; r < batch; r++) {
      while (rows.size() <= r) {
        rows.add(new LinkedHashMap<>());
      }
      int from = (int) (r * perRow);
      rows.get(r)
          .put(name, list ? listValue(elements, from, (int) perRow) : scalar(elements, from));
    }
  }

  private static Value scalar(Elements e, int i) {
    if (e.numbers() != null) {
      return Value.newBuilder().setNumber(e.numbers()[i]).build();
    }
    if (e.flags() != null) {
      return Value.newBuilder().setFlag(e.flags()[i]).build();
    }
    return Value.newBuilder().setText(e.texts().get(i)).build();
  }

  private static Value listValue(Elements e, int from, int n) {
    if (e.texts() != null) {
      try {
        return Value.newBuilder()
            .setText(JsonBodies.JSON.writeValueAsString(e.texts().subList(from, from + n)))
            .build();
      } catch (JsonProcessingException ex) {
        throw new IllegalStateException("a list of strings is always JSON", ex);
      }
    }
    NumberList.Builder numbers = NumberList.newBuilder();
    for (int i = from; i < from + n; i++) {
      numbers.addValues(e.numbers() != null ? e.numbers()[i] : e.flags()[i] ? 1.0 : 0.0);
    }
    return Value.newBuilder().setNumbers(numbers).build();
  }

  /** The elements of typed contents; null when the datatype has no contents field. */
  private static Elements fromContents(String datatype, InferTensorContents c) {
    switch (datatype) {
      case "BOOL":
        {
          boolean[] flags = new boolean[c.getBoolContentsCount()];
          for (int i = 0; i < flags.length; i++) {
            flags[i] = c.getBoolContents(i);
          }
          return new Elements(null, flags, null);
        }
      case "INT8":
      case "INT16":
      case "INT32":
        return numbers(c.getIntContentsList(), false);
      case "INT64":
        return numbers(c.getInt64ContentsList(), false);
      case "UINT8":
      case "UINT16":
      case "UINT32":
        return numbers(c.getUintContentsList(), true);
      case "UINT64":
        return numbers(c.getUint64ContentsList(), true);
      case "FP32":
        return numbers(c.getFp32ContentsList(), false);
      case "FP64":
        return numbers(c.getFp64ContentsList(), false);
      case "BYTES":
        {
          List<String> texts = new ArrayList<>(c.getBytesContentsCount());
          for (ByteString b : c.getBytesContentsList()) {
            texts.add(b.toStringUtf8());
          }
          return new Elements(null, null, texts);
        }
      default:
        return null;
    }
  }

  private static Elements numbers(List<? extends Number> values, boolean unsigned) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      Number v = values.get(i);
      if (!unsigned) {
        out[i] = v.doubleValue();
      } else if (v instanceof Integer n) {
        out[i] = Integer.toUnsignedLong(n);
      } else {
        out[i] = unsignedLong(v.longValue());
      }
    }
    return new Elements(out, null, null);
  }

  private static double unsignedLong(long v) {
    return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
  }

  /** The elements of raw little-endian contents; null when the size does not fit the datatype. */
  private static Elements fromRaw(String datatype, ByteString raw) {
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int n = b.remaining();
    if ("BYTES".equals(datatype)) {
      List<String> texts = new ArrayList<>();
      while (b.remaining() > 0) {
        if (b.remaining() < 4) {
          return null;
        }
        long length = Integer.toUnsignedLong(b.getInt());
        if (length > b.remaining()) {
          return null;
        }
        byte[] bytes = new byte[(int) length];
        b.get(bytes);
        texts.add(new String(bytes, StandardCharsets.UTF_8));
      }
      return new Elements(null, null, texts);
    }
    if ("BOOL".equals(datatype)) {
      boolean[] flags = new boolean[n];
      for (int i = 0; i < n; i++) {
        flags[i] = b.get() != 0;
      }
      return new Elements(null, flags, null);
    }
    int size = elementBytes(datatype);
    if (size == 0 || n % size != 0) {
      return null;
    }
    double[] out = new double[n / size];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (datatype) {
            case "INT8" -> b.get();
            case "UINT8" -> b.get() & 0xff;
            case "INT16" -> b.getShort();
            case "UINT16" -> b.getShort() & 0xffff;
            case "INT32" -> b.getInt();
            case "UINT32" -> Integer.toUnsignedLong(b.getInt());
            case "INT64" -> b.getLong();
            case "UINT64" -> unsignedLong(b.getLong());
            case "FP16" -> halfToFloat(b.getShort());
            case "BF16" -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
            case "FP32" -> b.getFloat();
            default -> b.getDouble();
          };
    }
    return new Elements(out, null, null);
  }

  private static int elementBytes(String datatype) {
    return switch (datatype) {
      case "INT8", "UINT8" -> 1;
      case "INT16", "UINT16", "FP16", "BF16" -> 2;
      case "INT32", "UINT32", "FP32" -> 4;
      case "INT64", "UINT64", "FP64" -> 8;
      default -> 0;
    };
  }

  /** An IEEE 754 binary16 value, widened. */
  static float halfToFloat(short half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Subnormal (or zero): mantissa × 2^-24.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
