package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.v1.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Joins the feature rows of a request with the output rows of its response, row by row. */
final class Rows {
  private Rows() {}

  /**
   * One row per batch position: row i has the i-th features and the i-th outputs (empty where one
   * side has fewer rows). A count mismatch between two non-empty sides is added to {@code errors}.
   */
  static List<ExchangeParser.Row> zip(
      List<Map<String, Value>> features, List<Map<String, Value>> outputs, List<String> errors) {
    if (!features.isEmpty() && !outputs.isEmpty() && features.size() != outputs.size()) {
      errors.add(
          "response: " + outputs.size() + " output rows for " + features.size() + " request rows");
    }
    int rows = Math.max(features.size(), outputs.size());
    List<ExchangeParser.Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      Map<String, Value> f = i < features.size() ? features.get(i) : Map.of();
      Map<String, Value> o = i < outputs.size() ? outputs.get(i) : Map.of();
      out.add(new ExchangeParser.Row(f, o));
    }
    return out;
  }
}
