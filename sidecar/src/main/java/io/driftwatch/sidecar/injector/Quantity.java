package io.driftwatch.sidecar.injector;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 100m}, {@code 2}, {@code 256Mi}, {@code 1e3}) as far as
 * the injector needs them: to check them at start-up and to compare a request with its limit. Only
 * non-negative values in the canonical forms the API server accepts.
 */
final class Quantity {
  private static final Pattern FORM =
      Pattern.compile(
          "(\\d+(?:\\.\\d*)?|\\.\\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\\d{1,2})?");
  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("", BigDecimal.ONE),
          Map.entry("m", new BigDecimal("0.001")),
          Map.entry("k", BigDecimal.TEN.pow(3)),
          Map.entry("M", BigDecimal.TEN.pow(6)),
          Map.entry("G", BigDecimal.TEN.pow(9)),
          Map.entry("T", BigDecimal.TEN.pow(12)),
          Map.entry("P", BigDecimal.TEN.pow(15)),
          Map.entry("E", BigDecimal.TEN.pow(18)),
          Map.entry("Ki", BigDecimal.valueOf(2).pow(10)),
          Map.entry("Mi", BigDecimal.valueOf(2).pow(20)),
          Map.entry("Gi", BigDecimal.valueOf(2).pow(30)),
          Map.entry("Ti", BigDecimal.valueOf(2).pow(40)),
          Map.entry("Pi", BigDecimal.valueOf(2).pow(50)),
          Map.entry("Ei", BigDecimal.valueOf(2).pow(60)));

  private Quantity() {}

  /**
   * Checks a quantity; {@code null} and blank become empty, meaning "not set".
   *
   * @return the trimmed quantity, or empty
   * @throws IllegalArgumentException {@code name: value (expected: …)} when malformed
   */
  static String check(String name, String value) {
    if (value == null || value.isBlank()) {
      return "";
    }
    String v = value.trim();
    if (!FORM.matcher(v).matches()) {
      throw InjectorConfig.invalid(name, value, "a Kubernetes quantity, e.g. 100m, 2, 256Mi");
    }
    return v;
  }

  /** Fails when both are set and {@code request} is greater than {@code limit}. */
  static void checkNotAbove(String requestName, String request, String limitName, String limit) {
    if (request.isEmpty() || limit.isEmpty()) {
      return;
    }
    if (value(request).compareTo(value(limit)) > 0) {
      throw InjectorConfig.invalid(
          requestName, request, "at most " + limitName + " " + limit + ", or no limit");
    }
  }

  /** The value of a checked, non-empty quantity in base units (cores, bytes). */
  static BigDecimal value(String quantity) {
    Matcher m = FORM.matcher(quantity);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a quantity: " + quantity);
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2) == null ? "" : m.group(2);
    if (suffix.matches("[eE][+-]?\\d+")) {
      return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    }
    return number.multiply(SUFFIXES.get(suffix));
  }
}
