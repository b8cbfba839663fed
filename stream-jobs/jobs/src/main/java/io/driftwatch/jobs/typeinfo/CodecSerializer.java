package io.driftwatch.jobs.typeinfo;

import io.driftwatch.stats.Codec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A Flink serializer that delegates to a stats {@link Codec}: accumulators are checkpointed in
 * their own versioned format rather than by reflection, so their evolution is under our control.
 * Subclass once per accumulator type, with a singleton and a snapshot class.
 */
public abstract class CodecSerializer<T> extends TypeSerializerSingleton<T> {
  private static final long serialVersionUID = 1L;

  /** The codec; its encodings start with a version byte. */
  protected abstract Codec<T> codec();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public T copy(T from) {
    Codec<T> c = codec();
    return c.decode(c.encode(from));
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T record, DataOutputView target) throws IOException {
    byte[] bytes = codec().encode(record);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    try {
      return codec().decode(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt " + getClass().getSimpleName() + " state", e);
    }
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int length = source.readInt();
    target.writeInt(length);
    target.write(source, length);
  }
}
