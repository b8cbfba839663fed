package io.driftwatch.jobs.drift;

import java.util.List;
import java.util.Map;

/**
 * Pane arithmetic of drift windows. Records are aggregated in panes of one slide, aligned to the
 * epoch; the window ending at a pane's end covers the {@code window / slide} panes ending in {@code
 * (end - window, end]}. A tumbling window is a single pane.
 */
final class Panes {
  private Panes() {}

  /** Start of the pane holding {@code timestamp}. */
  static long start(long timestamp, long slide) {
    return timestamp - Math.floorMod(timestamp, slide);
  }

  /** Whether the pane ending at {@code paneEnd} belongs to the window ending at {@code end}. */
  static boolean inWindow(long paneEnd, long end, long window) {
    return paneEnd > end - window && paneEnd <= end;
  }

  /**
   * Whether the pane ending at {@code paneEnd} is needed by no window after the one ending at
   * {@code end}.
   */
  static boolean expired(long paneEnd, long end, long window, long slide) {
    return paneEnd <= end + slide - window;
  }

  /**
   * The window ending at {@code end}: the merge of the stored panes it covers (null when it covers
   * none). Stored panes are not changed, except for a tumbling window's single pane, which is
   * returned as it is because it expires at once. The ends of panes no later window needs are added
   * to {@code expired}.
   */
  static WindowProfile window(
      Iterable<Map.Entry<Long, WindowProfile>> panes,
      long end,
      long window,
      long slide,
      List<Long> expired) {
    WindowProfile merged = null;
    for (Map.Entry<Long, WindowProfile> e : panes) {
      long paneEnd = e.getKey();
      if (inWindow(paneEnd, end, window)) {
        if (merged == null) {
          merged = window == slide ? e.getValue() : e.getValue().result();
        } else {
          merged.merge(e.getValue());
        }
      }
      if (expired(paneEnd, end, window, slide)) {
        expired.add(paneEnd);
      }
    }
    return merged;
  }

  /**
   * The share of the first {@code total} records that bucket {@code bucket} of {@code buckets}
   * takes.
   */
  static long quota(long total, int bucket, int buckets) {
    return total / buckets + (bucket < total % buckets ? 1 : 0);
  }
}
