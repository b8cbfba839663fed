package io.driftwatch.sidecar.tracing;

/**
 * The route template of a serving protocol's path ({@code http.route}) and the model and version
 * the path names, for span names and attributes: KServe v2 {@code /v2/models/{model}[/versions/
 * {version}]/infer}, KServe v1 {@code /v1/models/{model}[/versions/{version}]:predict} and the
 * OpenAI paths. Other paths have no route: their spans are named by the method alone, which keeps
 * span names low in cardinality.
 *
 * @param template the route, e.g. {@code /v2/models/{model}/infer}
 * @param model the model the path names; empty when it names none
 * @param version the version the path names; empty when it names none
 */
record ModelRoute(String template, String model, String version) {
  private static final String V2 = "/v2/models/";
  private static final String V2_INFER = "/infer";
  private static final String V1 = "/v1/models/";
  private static final String V1_PREDICT = ":predict";
  private static final String VERSIONS = "/versions/";

  /** The route of {@code path}, or null when it is not an inference path the sidecar knows. */
  static ModelRoute of(String path) {
    if (path.startsWith(V2) && path.endsWith(V2_INFER)) {
      return named(
          path,
          V2.length(),
          path.length() - V2_INFER.length(),
          "/v2/models/{model}/infer",
          "/v2/models/{model}/versions/{version}/infer");
    }
    if (path.startsWith(V1) && path.endsWith(V1_PREDICT)) {
      return named(
          path,
          V1.length(),
          path.length() - V1_PREDICT.length(),
          "/v1/models/{model}:predict",
          "/v1/models/{model}/versions/{version}:predict");
    }
    return switch (path) {
      case "/v1/chat/completions", "/v1/completions", "/v1/embeddings" ->
          new ModelRoute(path, "", "");
      default -> null;
    };
  }

  private static ModelRoute named(
      String path, int from, int to, String template, String versionedTemplate) {
    if (to <= from) {
      return null;
    }
    String middle = path.substring(from, to);
    int v = middle.indexOf(VERSIONS);
    String model = v < 0 ? middle : middle.substring(0, v);
    String version = v < 0 ? "" : middle.substring(v + VERSIONS.length());
    if (model.isEmpty() || model.indexOf('/') >= 0 || version.indexOf('/') >= 0) {
      return null;
    }
    if (v >= 0 && version.isEmpty()) {
      return null;
    }
    return new ModelRoute(v < 0 ? template : versionedTemplate, model, version);
  }
}
