package io.driftwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.MetricCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md is the table users read; {@link MetricCatalog} is what the code exposes. This
 * test fails when they disagree in either direction, and when any other doc names a metric that
 * does not exist.
 */
class MetricsDocTest {
  private static final Path DOCS = Path.of("..", "docs");
  private static final Pattern NAME = Pattern.compile("\\bdriftwatch_[a-z0-9_]+");

  @Test
  void everyCatalogEntryHasItsRowInMetricsMd() throws IOException {
    String doc = Files.readString(DOCS.resolve("metrics.md"));
    for (MetricCatalog m : MetricCatalog.values()) {
      String row =
          "| `"
              + m.metricName()
              + "` | "
              + m.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " | "
              + (m.labels().isEmpty()
                  ? "—"
                  : m.labels().stream().map(l -> "`" + l + "`").collect(Collectors.joining(", ")))
              + " | "
              + m.unit()
              + " | "
              + m.help()
              + " |";
      assertThat(doc).as("docs/metrics.md row for " + m.metricName()).contains(row);
    }
  }

  @Test
  void everyMetricNamedInTheDocsExists() throws IOException {
    Set<String> known =
        Arrays.stream(MetricCatalog.values())
            .map(MetricCatalog::metricName)
            .collect(Collectors.toSet());
    Set<String> unknown = new TreeSet<>();
    List<Path> docs;
    try (var files = Files.walk(DOCS)) {
      docs = files.filter(p -> p.toString().endsWith(".md")).toList();
    }
    for (Path doc : docs) {
      Matcher m = NAME.matcher(Files.readString(doc));
      while (m.find()) {
        String name = m.group().replaceAll("_(count|sum|bucket)$", "");
        if (!known.contains(name)) {
          unknown.add(DOCS.relativize(doc) + ": " + m.group());
        }
      }
    }
    assertThat(unknown).as("metric names in docs/ that the code does not expose").isEmpty();
  }
}
