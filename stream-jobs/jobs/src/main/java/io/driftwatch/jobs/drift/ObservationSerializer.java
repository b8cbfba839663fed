package io.driftwatch.jobs.drift;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Carries {@link Observation}s across the drift branch's shuffle. Every record crosses the network
 * once, so this replaces Flink's reflective POJO serializer (which writes each column's number and
 * text slots, null markers and all) with a compact hand-written format: per column its name, its
 * kind, and only the slot that kind uses. The slots a kind does not use are 0 and null, as {@link
 * Columns#of} leaves them, so a deserialized observation equals the one sent.
 *
 * <p>Records in flight only, never state: the format has no version and may change freely.
 */
public final class ObservationSerializer extends TypeSerializerSingleton<Observation> {
  private static final long serialVersionUID = 1L;

  public static final ObservationSerializer INSTANCE = new ObservationSerializer();

  /** Type information for the observations side output. */
  public static final TypeInformation<Observation> TYPE_INFO = new Info();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public Observation createInstance() {
    return new Observation();
  }

  @Override
  public Observation copy(Observation from) {
    Observation o = new Observation();
    o.model = from.model;
    o.version = from.version;
    o.bucket = from.bucket;
    o.inputs = copy(from.inputs);
    o.outputs = copy(from.outputs);
    return o;
  }

  private static Columns copy(Columns from) {
    if (from == null) {
      return null;
    }
    Columns c = new Columns();
    c.names = from.names == null ? null : from.names.clone();
    c.kinds = from.kinds == null ? null : from.kinds.clone();
    c.numbers = from.numbers == null ? null : from.numbers.clone();
    c.texts = from.texts == null ? null : from.texts.clone();
    return c;
  }

  @Override
  public Observation copy(Observation from, Observation reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(Observation o, DataOutputView out) throws IOException {
    StringValue.writeString(o.model, out);
    StringValue.writeString(o.version, out);
    out.writeInt(o.bucket);
    write(o.inputs, out);
    write(o.outputs, out);
  }

  /** -1 for null; else the column count, then name, kind and the kind's slot per column. */
  private static void write(Columns c, DataOutputView out) throws IOException {
    if (c == null || c.names == null) {
      out.writeInt(-1);
      return;
    }
    int n = c.names.length;
    out.writeInt(n);
    for (int i = 0; i < n; i++) {
      StringValue.writeString(c.names[i], out);
      byte kind = c.kinds[i];
      out.writeByte(kind);
      if (kind == Columns.NUMBER) {
        out.writeDouble(c.numbers[i]);
      } else if (kind == Columns.TEXT) {
        StringValue.writeString(c.texts[i], out);
      }
    }
  }

  @Override
  public Observation deserialize(DataInputView in) throws IOException {
    Observation o = new Observation();
    o.model = StringValue.readString(in);
    o.version = StringValue.readString(in);
    o.bucket = in.readInt();
    o.inputs = read(in);
    o.outputs = read(in);
    return o;
  }

  private static Columns read(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    Columns c = new Columns();
    c.names = new String[n];
    c.kinds = new byte[n];
    c.numbers = new double[n];
    c.texts = new String[n];
    for (int i = 0; i < n; i++) {
      c.names[i] = StringValue.readString(in);
      byte kind = in.readByte();
      c.kinds[i] = kind;
      if (kind == Columns.NUMBER) {
        c.numbers[i] = in.readDouble();
      } else if (kind == Columns.TEXT) {
        c.texts[i] = StringValue.readString(in);
      }
    }
    return c;
  }

  @Override
  public Observation deserialize(Observation reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<Observation> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer's snapshot; the format has a single version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Observation> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  private static final class Info extends TypeInformation<Observation> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
      return false;
    }

    @Override
    public boolean isTupleType() {
      return false;
    }

    @Override
    public int getArity() {
      return 1;
    }

    @Override
    public int getTotalFields() {
      return 1;
    }

    @Override
    public Class<Observation> getTypeClass() {
      return Observation.class;
    }

    @Override
    public boolean isKeyType() {
      return false;
    }

    @Override
    public TypeSerializer<Observation> createSerializer(SerializerConfig config) {
      return INSTANCE;
    }

    @Override
    public String toString() {
      return "Observation(ObservationSerializer)";
    }

    @Override
    public boolean equals(Object obj) {
      return obj instanceof Info;
    }

    @Override
    public int hashCode() {
      return Info.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
      return obj instanceof Info;
    }
  }
}
