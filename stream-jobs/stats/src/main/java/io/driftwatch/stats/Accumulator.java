package io.driftwatch.stats;

/**
 * A mergeable summary of a stream of observations: the unit every Driftwatch analysis is built
 * from. The streaming job, the batch CLI and the benchmarks all drive the same implementation.
 *
 * <p>Contract: {@code add} never throws for bad data (it counts and skips it); {@code merge} is
 * associative and commutative, so split-then-merge equals one pass (within the stated error of any
 * sketch); {@code result} does not change the accumulator.
 *
 * @param <IN> one observation
 * @param <SELF> the accumulator type itself, for {@link #merge}
 * @param <OUT> the summary it yields
 */
public interface Accumulator<IN, SELF extends Accumulator<IN, SELF, OUT>, OUT> {

  /** Adds one observation. */
  void add(IN observation);

  /** Adds everything {@code other} has seen; {@code other} is left unchanged. */
  void merge(SELF other);

  /** The summary of everything added and merged so far. */
  OUT result();
}
