package io.driftwatch.sidecar.injector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Reads AdmissionReview requests and writes AdmissionReview responses ({@code admission.k8s.io/v1})
 * as JSON trees, so the pod reaches the injector exactly as the API server sent it: no typed model
 * that could drop or reorder fields it does not know.
 */
final class AdmissionCodec {
  static final String API_VERSION = "admission.k8s.io/v1";
  static final String KIND = "AdmissionReview";

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          // A review with a key twice or trailing bytes is ambiguous: refuse it.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private AdmissionCodec() {}

  /**
   * The request of an AdmissionReview.
   *
   * @param uid the request's uid, echoed in the response
   * @param operation {@code CREATE}, {@code UPDATE}, …; empty when absent
   * @param group the API group of the object's kind ({@code ""} for core)
   * @param version its API version
   * @param kind its kind, e.g. {@code Pod}
   * @param subResource the sub-resource, e.g. {@code status}; empty for none
   * @param namespace the namespace of the request; empty when absent
   * @param object the object as sent; a missing node when absent
   */
  record Request(
      String uid,
      String operation,
      String group,
      String version,
      String kind,
      String subResource,
      String namespace,
      JsonNode object) {

    /** Whether this creates a pod, the only request the injector changes. */
    boolean createsPod() {
      return "CREATE".equals(operation)
          && group.isEmpty()
          && "v1".equals(version)
          && "Pod".equals(kind)
          && subResource.isEmpty();
    }
  }

  /** An AdmissionReview that cannot be answered; the message is the reason given to the caller. */
  static final class BadReview extends Exception {
    private static final long serialVersionUID = 1L;

    BadReview(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads an AdmissionReview request.
   *
   * @throws BadReview when the body is not JSON, not an {@code admission.k8s.io/v1}
   *     AdmissionReview, or has no {@code request.uid}
   */
  static Request read(byte[] body) throws BadReview {
    if (body.length == 0) {
      throw new BadReview("the body is empty (expected: an AdmissionReview)");
    }
    JsonNode review;
    try {
      review = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new BadReview("the body is not JSON");
    }
    if (review == null || !review.isObject()) {
      throw new BadReview("the body is not a JSON object (expected: an AdmissionReview)");
    }
    String kind = review.path("kind").asText("");
    if (!KIND.equals(kind)) {
      throw new BadReview("kind: " + Annotations.echo(kind) + " (expected: " + KIND + ")");
    }
    String apiVersion = review.path("apiVersion").asText("");
    if (!API_VERSION.equals(apiVersion)) {
      throw new BadReview(
          "apiVersion: " + Annotations.echo(apiVersion) + " (expected: " + API_VERSION + ")");
    }
    JsonNode request = review.get("request");
    if (request == null || !request.isObject()) {
      throw new BadReview("request: missing (expected: an object)");
    }
    JsonNode uid = request.get("uid");
    if (uid == null || !uid.isTextual() || uid.asText().isBlank()) {
      throw new BadReview("request.uid: missing (expected: a non-empty string)");
    }
    JsonNode object = request.path("object");
    if (!object.isMissingNode() && !object.isNull() && !object.isObject()) {
      throw new BadReview("request.object: not an object");
    }
    JsonNode kindNode = request.path("kind");
    return new Request(
        uid.asText(),
        request.path("operation").asText(""),
        kindNode.path("group").asText(""),
        kindNode.path("version").asText(""),
        kindNode.path("kind").asText(""),
        request.path("subResource").asText(""),
        request.path("namespace").asText(""),
        object);
  }

  /**
   * An AdmissionReview response that allows the request, with a JSON Patch when {@code patch} is
   * not {@code null}.
   */
  static byte[] allow(String uid, ArrayNode patch, List<String> warnings) {
    ObjectNode review = MAPPER.createObjectNode();
    review.put("apiVersion", API_VERSION);
    review.put("kind", KIND);
    ObjectNode response = review.putObject("response");
    response.put("uid", uid);
    response.put("allowed", true);
    if (patch != null) {
      response.put("patchType", "JSONPatch");
      response.put("patch", Base64.getEncoder().encodeToString(bytes(patch)));
    }
    if (!warnings.isEmpty()) {
      ArrayNode w = response.putArray("warnings");
      warnings.forEach(w::add);
    }
    return bytes(review);
  }

  /** {@code {"error": reason}}, the body of a 4xx. */
  static byte[] error(String reason) {
    return bytes(MAPPER.createObjectNode().put("error", reason));
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }
}
