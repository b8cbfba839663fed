package io.driftwatch.schema;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of reading one record off the wire: either the record or the reason it could not be
 * read. Readers on the per-record path return this instead of throwing, so a bad record is counted
 * and routed to the dead-letter topic rather than failing the job.
 *
 * @param <T> the record type
 */
public final class Decoded<T> {
  private final T value;
  private final String reason;

  private Decoded(T value, String reason) {
    this.value = value;
    this.reason = reason;
  }

  /** A record that was read in full. */
  public static <T> Decoded<T> ok(T value) {
    return new Decoded<>(Objects.requireNonNull(value, "value"), null);
  }

  /**
   * A record that could not be read.
   *
   * @param reason a short machine-friendly reason, e.g. {@code "not_protobuf"}, followed by detail
   */
  public static <T> Decoded<T> failed(String reason) {
    return new Decoded<>(null, Objects.requireNonNull(reason, "reason"));
  }

  public boolean isOk() {
    return value != null;
  }

  /** The record; throws {@link IllegalStateException} when {@link #isOk()} is false. */
  public T value() {
    if (value == null) {
      throw new IllegalStateException("no value: " + reason);
    }
    return value;
  }

  /** The reason the record could not be read; null when {@link #isOk()}. */
  public String reason() {
    return reason;
  }

  /**
   * The reason's category: the text before the first colon, fit for a metric label with bounded
   * cardinality.
   */
  public String reasonCode() {
    if (reason == null) {
      return null;
    }
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }

  /** Applies {@code f} to a successful value; carries a failure through unchanged. */
  public <R> Decoded<R> map(Function<? super T, ? extends R> f) {
    return isOk() ? Decoded.ok(f.apply(value)) : Decoded.failed(reason);
  }

  @Override
  public String toString() {
    return isOk() ? "Decoded.ok(" + value + ")" : "Decoded.failed(" + reason + ")";
  }
}
