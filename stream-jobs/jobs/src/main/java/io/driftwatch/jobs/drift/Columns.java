package io.driftwatch.jobs.drift;

import io.driftwatch.schema.v1.Value;
import java.util.Map;

/**
 * A compact projection of one record's features or outputs for the drift branch: parallel arrays of
 * column names, value kinds, numbers and texts. A Flink POJO of primitive and string arrays, so it
 * travels between operators without Kryo and without protobuf.
 */
public final class Columns {
  /** {@code numbers[i]} holds the value. */
  public static final byte NUMBER = 0;

  /** {@code texts[i]} holds the value. */
  public static final byte TEXT = 1;

  /** The boolean true. */
  public static final byte TRUE = 2;

  /** The boolean false. */
  public static final byte FALSE = 3;

  /** An explicit null, or a value with no kind set. */
  public static final byte NULL = 4;

  /** A list of numbers (an embedding, per-class scores): not profiled, counted as a mismatch. */
  public static final byte LIST = 5;

  public String[] names;
  public byte[] kinds;
  public double[] numbers;
  public String[] texts;

  public Columns() {}

  /** Projects a features or outputs map; null when the map is empty. */
  public static Columns of(Map<String, Value> values) {
    if (values.isEmpty()) {
      return null;
    }
    int n = values.size();
    Columns c = new Columns();
    c.names = new String[n];
    c.kinds = new byte[n];
    c.numbers = new double[n];
    c.texts = new String[n];
    int i = 0;
    for (Map.Entry<String, Value> e : values.entrySet()) {
      c.names[i] = e.getKey();
      Value v = e.getValue();
      switch (v.getKindCase()) {
        case NUMBER -> {
          c.kinds[i] = NUMBER;
          c.numbers[i] = v.getNumber();
        }
        case TEXT -> {
          c.kinds[i] = TEXT;
          c.texts[i] = v.getText();
        }
        case FLAG -> c.kinds[i] = v.getFlag() ? TRUE : FALSE;
        case NUMBERS -> c.kinds[i] = LIST;
        default -> c.kinds[i] = NULL;
      }
      i++;
    }
    return c;
  }

  /** Number of columns. */
  public int size() {
    return names == null ? 0 : names.length;
  }
}
