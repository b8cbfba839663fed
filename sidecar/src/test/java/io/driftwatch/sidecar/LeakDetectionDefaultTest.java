package io.driftwatch.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sidecar command turns Netty's leak detector off, unless the operator set a level with a JVM
 * property: then the level Netty read from it stays.
 */
class LeakDetectionDefaultTest {
  private ResourceLeakDetector.Level levelBefore;
  private final Map<String, String> propertiesBefore = new HashMap<>();

  @BeforeEach
  void clearProperties() {
    levelBefore = ResourceLeakDetector.getLevel();
    for (String p : SidecarServer.LEAK_DETECTION_PROPERTIES) {
      propertiesBefore.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
  }

  @AfterEach
  void restore() {
    ResourceLeakDetector.setLevel(levelBefore);
    propertiesBefore.forEach(
        (p, v) -> {
          if (v == null) {
            System.clearProperty(p);
          } else {
            System.setProperty(p, v);
          }
        });
  }

  @Test
  void withoutAPropertyTheDetectorIsTurnedOff() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);

    assertTrue(SidecarServer.disableLeakDetectionUnlessConfigured());
    assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
  }

  @Test
  void aLevelSetByEitherPropertyIsKept() {
    for (String p : SidecarServer.LEAK_DETECTION_PROPERTIES) {
      System.setProperty(p, "paranoid");
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);

      assertFalse(SidecarServer.disableLeakDetectionUnlessConfigured(), p);
      assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(), p);
      System.clearProperty(p);
    }
  }
}
