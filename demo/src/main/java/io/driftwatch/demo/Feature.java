package io.driftwatch.demo;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** One input tensor of the credit-risk model: its wire name and Open Inference datatype. */
enum Feature {
  AGE("age", Datatype.FP64),
  INCOME("income", Datatype.FP64),
  CREDIT_SCORE("credit_score", Datatype.INT64),
  TENURE_MONTHS("tenure_months", Datatype.INT64),
  DEBT_RATIO("debt_ratio", Datatype.FP64),
  COUNTRY("country", Datatype.BYTES),
  DEVICE("device", Datatype.BYTES);

  static final List<Feature> ALL = List.of(values());

  /** The names for error messages, in declaration order: {@code age, income, ...}. */
  static final String NAMES = ALL.stream().map(f -> f.wireName).collect(Collectors.joining(", "));

  final String wireName;
  final Datatype datatype;

  Feature(String wireName, Datatype datatype) {
    this.wireName = wireName;
    this.datatype = datatype;
  }

  static Optional<Feature> byWireName(String name) {
    return Arrays.stream(values()).filter(f -> f.wireName.equals(name)).findFirst();
  }
}
