package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.CategoryCounts;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts category labels given as UTF-8 byte slices without allocating per cell: an open-addressing
 * table that copies a label's bytes only the first time it is seen. Memory grows with the number of
 * distinct labels, not with the number of cells.
 */
final class LabelCounter {
  private byte[][] keys = new byte[64][];
  private int[] hashes = new int[64];
  private long[] counts = new long[64];
  private int size;
  private long total;

  /** Counts the label {@code b[s, e)}. */
  void add(byte[] b, int s, int e) {
    // the slot first: inserting may grow and replace the arrays
    int slot = slot(b, s, e);
    counts[slot]++;
    total++;
  }

  /** Counts a label given as text {@code times} times. */
  void add(String label, long times) {
    if (times > 0) {
      byte[] b = label.getBytes(StandardCharsets.UTF_8);
      int slot = slot(b, 0, b.length);
      counts[slot] += times;
      total += times;
    }
  }

  /** The slot of a label, inserted with count 0 when new. */
  private int slot(byte[] b, int s, int e) {
    int h = 1;
    for (int i = s; i < e; i++) {
      h = 31 * h + b[i];
    }
    h ^= h >>> 16;
    while (true) {
      int mask = keys.length - 1;
      int slot = h & mask;
      while (true) {
        byte[] k = keys[slot];
        if (k == null) {
          break;
        }
        if (hashes[slot] == h && Arrays.equals(k, 0, k.length, b, s, e)) {
          return slot;
        }
        slot = (slot + 1) & mask;
      }
      if ((size + 1) * 2 > keys.length) {
        grow();
        continue;
      }
      keys[slot] = Arrays.copyOfRange(b, s, e);
      hashes[slot] = h;
      size++;
      return slot;
    }
  }

  /** Labels counted (missing ones are never added). */
  long total() {
    return total;
  }

  /** The counts as category counts of labels. */
  CategoryCounts counts() {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null) {
        m.put(new String(keys[i], StandardCharsets.UTF_8), counts[i]);
      }
    }
    return CategoryCounts.of(m, false);
  }

  private void grow() {
    byte[][] oldKeys = keys;
    int[] oldHashes = hashes;
    long[] oldCounts = counts;
    int n = oldKeys.length * 2;
    keys = new byte[n][];
    hashes = new int[n];
    counts = new long[n];
    int mask = n - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = oldHashes[i] & mask;
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        hashes[slot] = oldHashes[i];
        counts[slot] = oldCounts[i];
      }
    }
  }
}
