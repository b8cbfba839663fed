package io.driftwatch.stats.profile;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllSketch;

/**
 * Seeds the KLL sketch's compaction coin flips. DataSketches draws them from one static {@code
 * Random}; seeding it makes every sketch in a test reproducible, so a test that checks the stated
 * 99%-confidence rank error either always passes or always fails instead of failing one run in a
 * hundred.
 */
final class KllSeed {

  private KllSeed() {}

  static void seed(long seed) {
    try {
      Field f = KllSketch.class.getDeclaredField("random");
      f.setAccessible(true);
      ((Random) f.get(null)).setSeed(seed);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot seed KllSketch.random", e);
    }
  }
}
