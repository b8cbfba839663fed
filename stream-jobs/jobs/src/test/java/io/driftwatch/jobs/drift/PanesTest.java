package io.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PanesTest {

  @Test
  void panesAlignToTheEpochAndSlidingWindowsCoverTheirPanes() {
    assertThat(Panes.start(12_345, 1000)).isEqualTo(12_000);
    assertThat(Panes.start(12_000, 1000)).isEqualTo(12_000);
    assertThat(Panes.start(-1, 1000)).isEqualTo(-1000);
    // a 3 s window ending at 10 s, evaluated every second: panes ending at 8, 9 and 10 s
    assertThat(IntStream.rangeClosed(5, 11).filter(s -> Panes.inWindow(s * 1000L, 10_000, 3000)))
        .containsExactly(8, 9, 10);
    // the next window (ending at 11 s) no longer needs the pane ending at 8 s
    assertThat(
            IntStream.rangeClosed(5, 11).filter(s -> Panes.expired(s * 1000L, 10_000, 3000, 1000)))
        .containsExactly(5, 6, 7, 8);
    // tumbling: the window is its pane, which expires at once
    assertThat(Panes.inWindow(10_000, 10_000, 1000)).isTrue();
    assertThat(Panes.expired(10_000, 10_000, 1000, 1000)).isTrue();
  }

  @Test
  void aSlidingWindowMergesCopiesOfItsPanesAndExpiresWhatNoLaterWindowNeeds() {
    TreeMap<Long, WindowProfile> panes = new TreeMap<>();
    Applicants traffic = new Applicants(1);
    for (long end = 1000; end <= 5000; end += 1000) {
      WindowProfile p = new WindowProfile();
      for (int i = 0; i < end / 1000; i++) {
        p.add(traffic.observation(false, 1));
      }
      panes.put(end, p);
    }
    List<Long> expired = new ArrayList<>();
    WindowProfile w = Panes.window(panes.entrySet(), 4000, 3000, 1000, expired);
    assertThat(w.observations()).isEqualTo(2 + 3 + 4);
    assertThat(expired).containsExactly(1000L, 2000L);
    assertThat(panes.get(2000L).observations()).isEqualTo(2);
    assertThat(w).isNotSameAs(panes.get(2000L));

    expired.clear();
    assertThat(Panes.window(panes.entrySet(), 9000, 3000, 1000, expired)).isNull();
    assertThat(expired).hasSize(5);

    expired.clear();
    WindowProfile tumbling = Panes.window(panes.entrySet(), 3000, 1000, 1000, expired);
    assertThat(tumbling).isSameAs(panes.get(3000L));
    assertThat(expired).containsExactly(1000L, 2000L, 3000L);
  }

  @Test
  void bucketQuotasAddUpToTheReferenceSize() {
    for (int buckets : new int[] {1, 3, 8, 2000}) {
      long total = 0;
      for (int b = 0; b < buckets; b++) {
        long q = Panes.quota(1000, b, buckets);
        assertThat(q).isBetween(1000L / buckets, 1000L / buckets + 1);
        total += q;
      }
      assertThat(total).isEqualTo(1000);
    }
  }
}
