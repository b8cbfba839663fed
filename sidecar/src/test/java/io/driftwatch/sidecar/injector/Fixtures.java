package io.driftwatch.sidecar.injector;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared test data: the injector configuration, the review fixture, pods as JSON and as models. */
final class Fixtures {
  static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  static final String IMAGE = "registry.example.com/driftwatch/driftwatch:0.1.0";
  static final String KAFKA = "kafka-0.kafka.driftwatch:9092,kafka-1.kafka.driftwatch:9092";

  private Fixtures() {}

  /** The injector configuration the tests share; TLS files are not read by the core. */
  static InjectorConfig.Builder config() {
    return InjectorConfig.builder().image(IMAGE).kafkaBootstrapServers(KAFKA);
  }

  /** {@code review-create-pod.json}: what the API server sends for a ReplicaSet's Triton pod. */
  static ObjectNode review() {
    return (ObjectNode) resource("review-create-pod.json");
  }

  /** The pod of {@link #review()}. */
  static ObjectNode tritonPod() {
    return (ObjectNode) review().path("request").path("object");
  }

  /** A review of {@code pod} being created, otherwise the fixture's. */
  static ObjectNode review(JsonNode pod) {
    ObjectNode review = review();
    ((ObjectNode) review.get("request")).set("object", pod);
    return review;
  }

  static JsonNode resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/injector/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource injector/" + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The typed pod, failing on any field the Kubernetes model does not know. */
  static Pod pod(JsonNode json) {
    try {
      Pod pod = JSON.treeToValue(json, Pod.class);
      StrictModel.assertNoUnknownFields(pod);
      return pod;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Container container(Pod pod, String name) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar v : c.getEnv()) {
      env.put(v.getName(), v.getValue());
    }
    return env;
  }
}
