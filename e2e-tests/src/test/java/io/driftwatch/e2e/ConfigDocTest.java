package io.driftwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.sidecar.SidecarConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/operations.md lists every sidecar configuration key exactly as the code declares it. */
class ConfigDocTest {

  @Test
  void everySidecarKeyIsDocumentedWithItsDefault() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "operations.md"));
    for (SidecarConfig.Key k : SidecarConfig.KEYS) {
      String row =
          "| `"
              + k.name()
              + "` | `"
              + k.env()
              + "` | `"
              + k.defaultValue()
              + "` | "
              + k.doc()
              + " |";
      assertThat(doc).as("row for " + k.name()).contains(row);
    }
  }
}
