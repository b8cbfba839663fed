package io.driftwatch.demo;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The deterministic sequence of requests a {@link TrafficGenerator} sends: when each is due, which
 * population it is drawn from, whether it is made invalid, and its body.
 *
 * <p>Request {@code i} is due {@code i / rate} seconds after the start. The drift switch is decided
 * by that scheduled offset, not by the wall clock, so a seed reproduces exactly which requests
 * drifted whatever the machine's load. Not thread-safe: one scheduler thread owns it.
 */
final class TrafficPlan {

  /** One planned request. {@code omitted} is the feature left out of an invalid one, else null. */
  record Planned(
      long index,
      long offsetNanos,
      String id,
      Applicant applicant,
      boolean drifted,
      Feature omitted,
      byte[] body) {}

  private final SplittableRandom random;
  private final double ratePerSecond;
  private final long driftAtNanos;
  private final double invalidShare;
  private long index;

  /**
   * @param driftAtNanos offset from which requests come from the drifted population; negative for
   *     never
   */
  TrafficPlan(long seed, double ratePerSecond, long driftAtNanos, double invalidShare) {
    this.random = new SplittableRandom(seed);
    this.ratePerSecond = ratePerSecond;
    this.driftAtNanos = driftAtNanos;
    this.invalidShare = invalidShare;
  }

  /** Returns the scheduled offset of the next request, nanoseconds after the start. */
  long nextOffsetNanos() {
    return offsetNanos(index);
  }

  /** Returns how many requests have been planned. */
  long planned() {
    return index;
  }

  private long offsetNanos(long i) {
    return Math.round(i * 1e9 / ratePerSecond);
  }

  /** Plans the next request. */
  Planned next() {
    long offset = offsetNanos(index);
    boolean drifted = driftAtNanos >= 0 && offset >= driftAtNanos;
    ApplicantPopulation population =
        drifted ? ApplicantPopulation.drifted() : ApplicantPopulation.baseline();
    Applicant applicant = population.sample(random);
    Feature omitted =
        random.nextDouble() < invalidShare
            ? Feature.ALL.get(random.nextInt(Feature.ALL.size()))
            : null;
    String id = randomUuid().toString();
    byte[] body =
        OpenInferenceJson.encodeRequest(
            id, List.of(applicant), omitted == null ? Set.of() : Set.of(omitted));
    return new Planned(index++, offset, id, applicant, drifted, omitted, body);
  }

  /** A version-4 UUID drawn from the seeded generator, so request ids reproduce too. */
  private UUID randomUuid() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
