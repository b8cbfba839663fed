package io.driftwatch.stats;

/**
 * Turns a piece of state into bytes and back: how accumulators survive checkpoints, travel between
 * parallel tasks and are stored in profiles. Every encoding starts with a version byte, and {@link
 * #decode} reads every version it ever wrote.
 *
 * @param <T> the state type
 */
public interface Codec<T> {

  /** Encodes {@code value}; the result starts with the current format version. */
  byte[] encode(T value);

  /**
   * Decodes bytes written by any version of {@link #encode}.
   *
   * @throws IllegalArgumentException when the bytes are not an encoding of T (state corruption)
   */
  T decode(byte[] bytes);
}
