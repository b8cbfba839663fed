package io.driftwatch.jobs.drift;

import io.driftwatch.stats.Accumulator;
import io.driftwatch.stats.Codec;
import io.driftwatch.stats.profile.FeatureProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a drift window (or one pre-aggregated part of it) saw of one model version: for inputs and
 * for outputs, the number of records that carried any, and per column its values in {@link
 * FeatureProfile}s typed by what the values were on the wire — numbers in a numerical profile,
 * texts and booleans in a categorical one. The window does not need to know the reference: the
 * reference's type for each column is applied when the window is evaluated ({@link
 * DriftEvaluation}), and values of the other kind then count as type mismatches. So partial windows
 * built on different subtasks always merge, and a reference published mid-window changes nothing
 * for them.
 *
 * <p>Framework-free: the Flink operators delegate to {@link #add} and {@link #merge}. {@link
 * #merge} is associative and commutative within the stated error of the sketches (it adds counts
 * exactly). Serialized by {@link #CODEC} (first byte = format version). Not thread-safe.
 */
public final class WindowProfile implements Accumulator<Observation, WindowProfile, WindowProfile> {

  /** The versioned codec. */
  public static final Codec<WindowProfile> CODEC = new WindowProfileCodec();

  private long observations;
  private final ColumnSet inputs;
  private final ColumnSet outputs;

  public WindowProfile() {
    this(0, new ColumnSet(), new ColumnSet());
  }

  private WindowProfile(long observations, ColumnSet inputs, ColumnSet outputs) {
    this.observations = observations;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /** Adds one prediction; never throws for data. */
  @Override
  public void add(Observation o) {
    observations++;
    if (o.inputs != null && o.inputs.size() > 0) {
      inputs.add(o.inputs);
    }
    if (o.outputs != null && o.outputs.size() > 0) {
      outputs.add(o.outputs);
    }
  }

  /**
   * Adds everything {@code other} saw; {@code other} is left unchanged.
   *
   * @throws IllegalArgumentException when profiles of a common column have different knobs (every
   *     window profile is made with the defaults, so only corrupt state can cause it)
   */
  @Override
  public void merge(WindowProfile other) {
    observations += other.observations;
    inputs.merge(other.inputs);
    outputs.merge(other.outputs);
  }

  /** A deep copy. */
  @Override
  public WindowProfile result() {
    return CODEC.decode(CODEC.encode(this));
  }

  /** Predictions added, with or without inputs and outputs. */
  public long observations() {
    return observations;
  }

  ColumnSet inputs() {
    return inputs;
  }

  ColumnSet outputs() {
    return outputs;
  }

  ColumnSet role(DriftEvaluation.Role role) {
    return role == DriftEvaluation.Role.INPUT ? inputs : outputs;
  }

  @Override
  public String toString() {
    return "WindowProfile[observations="
        + observations
        + ", inputs="
        + inputs.columns.keySet()
        + ", outputs="
        + outputs.columns.keySet()
        + "]";
  }

  /** The columns of one role (inputs or outputs). */
  static final class ColumnSet {
    private long records;
    private final LinkedHashMap<String, ColumnWindow> columns = new LinkedHashMap<>();

    void add(Columns c) {
      records++;
      for (int i = 0; i < c.names.length; i++) {
        String name = c.names[i];
        if (name == null) {
          continue;
        }
        ColumnWindow w = columns.get(name);
        if (w == null) {
          w = new ColumnWindow();
          columns.put(name, w);
        }
        w.add(c.kinds[i], c.numbers[i], c.texts[i]);
      }
    }

    void merge(ColumnSet other) {
      records += other.records;
      for (Map.Entry<String, ColumnWindow> e : other.columns.entrySet()) {
        ColumnWindow mine = columns.get(e.getKey());
        if (mine == null) {
          mine = new ColumnWindow();
          columns.put(e.getKey(), mine);
        }
        mine.merge(e.getValue());
      }
    }

    /** Records that carried this role's columns. */
    long records() {
      return records;
    }

    /** One column, or null when no record carried it. */
    ColumnWindow column(String name) {
      return columns.get(name);
    }

    Map<String, ColumnWindow> columns() {
      return Collections.unmodifiableMap(columns);
    }
  }

  /** One column's values in a window, kept by the kind they had on the wire. */
  static final class ColumnWindow {
    private long present;
    private long nulls;
    private long lists;
    private FeatureProfile numbers;
    private FeatureProfile labels;

    void add(byte kind, double number, String text) {
      present++;
      switch (kind) {
        case Columns.NUMBER -> numbers().add(number);
        case Columns.TEXT -> labels().add(text);
        case Columns.TRUE -> labels().add(Boolean.TRUE);
        case Columns.FALSE -> labels().add(Boolean.FALSE);
        case Columns.LIST -> lists++;
        default -> nulls++;
      }
    }

    private FeatureProfile numbers() {
      if (numbers == null) {
        numbers = FeatureProfile.numerical();
      }
      return numbers;
    }

    private FeatureProfile labels() {
      if (labels == null) {
        labels = FeatureProfile.categorical();
      }
      return labels;
    }

    void merge(ColumnWindow other) {
      present += other.present;
      nulls += other.nulls;
      lists += other.lists;
      if (other.numbers != null) {
        numbers().merge(other.numbers);
      }
      if (other.labels != null) {
        labels().merge(other.labels);
      }
    }

    /** Records that carried the column, whatever its value. */
    long present() {
      return present;
    }

    /** Explicit nulls and values without a kind. */
    long nulls() {
      return nulls;
    }

    /** Lists of numbers, which are not profiled. */
    long lists() {
      return lists;
    }

    /** Numbers (NaN and ±∞ counted as its missing values), or null when there were none. */
    FeatureProfile numberProfile() {
      return numbers;
    }

    /** Texts and booleans (empty texts counted as its missing values), or null when none. */
    FeatureProfile labelProfile() {
      return labels;
    }

    /** Missing values: nulls, NaN, ±∞ and empty texts. */
    long missingValues() {
      return nulls
          + (numbers == null ? 0 : numbers.missing())
          + (labels == null ? 0 : labels.missing());
    }
  }

  /**
   * Version 1, big-endian: version byte, observations (int64), then inputs and outputs, each as
   * records (int64), column count (int32) and per column its UTF-8 name (int32 length + bytes),
   * present, nulls and lists (int64 each), a flags byte (bit 0: numbers follow, bit 1: labels
   * follow) and each profile present as int32 length + {@link FeatureProfile#CODEC} bytes.
   */
  private static final class WindowProfileCodec implements Codec<WindowProfile> {
    private static final byte V1 = 1;

    @Override
    public byte[] encode(WindowProfile p) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(V1);
        out.writeLong(p.observations);
        writeSet(out, p.inputs);
        writeSet(out, p.outputs);
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new IllegalStateException("window profile: in-memory write failed", e);
      }
    }

    private static void writeSet(DataOutputStream out, ColumnSet s) throws IOException {
      out.writeLong(s.records);
      out.writeInt(s.columns.size());
      for (Map.Entry<String, ColumnWindow> e : s.columns.entrySet()) {
        byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeInt(name.length);
        out.write(name);
        ColumnWindow w = e.getValue();
        out.writeLong(w.present);
        out.writeLong(w.nulls);
        out.writeLong(w.lists);
        out.writeByte((w.numbers != null ? 1 : 0) | (w.labels != null ? 2 : 0));
        if (w.numbers != null) {
          writeBlock(out, FeatureProfile.CODEC.encode(w.numbers));
        }
        if (w.labels != null) {
          writeBlock(out, FeatureProfile.CODEC.encode(w.labels));
        }
      }
    }

    private static void writeBlock(DataOutputStream out, byte[] b) throws IOException {
      out.writeInt(b.length);
      out.write(b);
    }

    @Override
    public WindowProfile decode(byte[] bytes) {
      if (bytes == null || bytes.length < 1) {
        throw new IllegalArgumentException("window profile: no bytes (expected: an encoding)");
      }
      if (bytes[0] != V1) {
        throw new IllegalArgumentException(
            "window profile: version " + bytes[0] + " (expected: 1)");
      }
      try {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        in.readByte();
        long observations = in.readLong();
        ColumnSet inputs = readSet(in, bytes.length);
        ColumnSet outputs = readSet(in, bytes.length);
        if (in.available() > 0) {
          throw new IllegalArgumentException(
              "window profile: " + in.available() + " trailing bytes (expected: 0)");
        }
        return new WindowProfile(observations, inputs, outputs);
      } catch (IOException | RuntimeException e) {
        if (e instanceof IllegalArgumentException iae) {
          throw iae;
        }
        throw new IllegalArgumentException("window profile: corrupt bytes", e);
      }
    }

    private static ColumnSet readSet(DataInputStream in, int limit) throws IOException {
      ColumnSet s = new ColumnSet();
      s.records = in.readLong();
      int n = in.readInt();
      if (n < 0 || n > limit) {
        throw new IllegalArgumentException("window profile: " + n + " columns (expected: >= 0)");
      }
      for (int i = 0; i < n; i++) {
        String name = new String(readBlock(in, limit), StandardCharsets.UTF_8);
        ColumnWindow w = new ColumnWindow();
        w.present = in.readLong();
        w.nulls = in.readLong();
        w.lists = in.readLong();
        int flags = in.readByte();
        if ((flags & 1) != 0) {
          w.numbers = FeatureProfile.CODEC.decode(readBlock(in, limit));
        }
        if ((flags & 2) != 0) {
          w.labels = FeatureProfile.CODEC.decode(readBlock(in, limit));
        }
        s.columns.put(name, w);
      }
      return s;
    }

    private static byte[] readBlock(DataInputStream in, int limit) throws IOException {
      int length = in.readInt();
      if (length < 0 || length > limit) {
        throw new IllegalArgumentException(
            "window profile: block of " + length + " bytes (expected: 0.." + limit + ")");
      }
      byte[] b = new byte[length];
      in.readFully(b);
      return b;
    }
  }
}
