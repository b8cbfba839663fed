package io.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.jobs.MonitorJobConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DriftConfigTest {

  @Test
  void defaultsAreFiveMinuteTumblingWindowsAndTheFirstThousandRecords() {
    DriftConfig d = MonitorJobConfig.defaults("localhost:9092").drift();
    assertThat(d).isEqualTo(DriftConfig.defaults());
    assertThat(d.enabled()).isTrue();
    assertThat(d.window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.tumbling()).isTrue();
    assertThat(d.referenceRecords()).isEqualTo(1000);
    assertThat(d.minEffectSize()).isEqualTo(0.1);
    assertThat(d.driftShare()).isEqualTo(0.5);
    assertThat(d.bucketsFor(3)).isEqualTo(12);
    assertThat(d.withBuckets(5).bucketsFor(3)).isEqualTo(5);
    assertThat(d.withSlidingWindow(Duration.ofMinutes(60), Duration.ofMinutes(5)).tumbling())
        .isFalse();
  }

  @Test
  void invalidSettingsFailFastNamingTheSetting() {
    DriftConfig d = DriftConfig.defaults();
    assertThatThrownBy(() -> d.withSlidingWindow(Duration.ofMinutes(10), Duration.ofMinutes(3)))
        .hasMessage("drift slide: PT3M (expected: a divisor of the window, PT10M)");
    assertThatThrownBy(() -> d.withSlidingWindow(Duration.ofMinutes(1), Duration.ofMinutes(2)))
        .hasMessage("drift slide: PT2M (expected: >= 1 ms and <= the window, PT1M)");
    assertThatThrownBy(() -> d.withTumblingWindow(Duration.ZERO))
        .hasMessage("drift window: PT0S (expected: >= 1 ms)");
    assertThatThrownBy(() -> d.withReferenceRecords(-1))
        .hasMessage("drift referenceRecords: -1 (expected: >= 0)");
    assertThatThrownBy(() -> d.withBuckets(-1))
        .hasMessage("drift buckets: -1 (expected: >= 0, 0 for 4 x parallelism)");
    assertThatThrownBy(() -> d.withMinWindowRecords(0))
        .hasMessage("drift minWindowRecords: 0 (expected: >= 1)");
    assertThatThrownBy(() -> d.withMinEffectSize(-0.1))
        .hasMessage("drift minEffectSize: -0.1 (expected: finite and >= 0, or NaN for off)");
    assertThatThrownBy(() -> d.withDriftShare(1.5))
        .hasMessage("drift driftShare: 1.5 (expected: in [0, 1])");
    assertThat(d.withMinEffectSize(Double.NaN).minEffectSize()).isNaN();
    assertThatThrownBy(
            () -> MonitorJobConfig.defaults("localhost:9092").withDriftTopics("", "events"))
        .hasMessage("profilesTopic: '' (expected: non-empty)");
  }
}
