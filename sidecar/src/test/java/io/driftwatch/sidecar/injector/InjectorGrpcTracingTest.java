package io.driftwatch.sidecar.injector;

import static io.driftwatch.sidecar.injector.Fixtures.container;
import static io.driftwatch.sidecar.injector.Fixtures.env;
import static io.driftwatch.sidecar.injector.Fixtures.json;
import static io.driftwatch.sidecar.injector.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftwatch.sidecar.SidecarConfig;
import io.driftwatch.sidecar.injector.SidecarInjector.Decision;
import io.driftwatch.sidecar.injector.SidecarInjector.Outcome;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code driftwatch.io/grpc-port}, the {@code grpc}/{@code h2c} port names, and the OTLP endpoint
 * from the injector's configuration or {@code driftwatch.io/otlp-endpoint}: full AdmissionReviews
 * through the webhook handler, the patch applied and read back as a typed pod.
 */
class InjectorGrpcTracingTest {
  private static final String GRPC_ENV = "DRIFTWATCH_SIDECAR_UPSTREAM_GRPC";
  private static final String OTLP_ENV = "DRIFTWATCH_SIDECAR_OTLP_ENDPOINT";

  private final SidecarInjector injector = new SidecarInjector(Fixtures.config().build());

  /** An AdmissionReview JSON of a pod being created, as the API server sends it. */
  private static ObjectNode review(String ports, String annotations) {
    return json(
        """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {
           "uid": "0df2b6c4-6c0e-4b8e-9a3e-2f6a1c9d7e10",
           "kind": {"group": "", "version": "v1", "kind": "Pod"},
           "resource": {"group": "", "version": "v1", "resource": "pods"},
           "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
           "requestResource": {"group": "", "version": "v1", "resource": "pods"},
           "namespace": "models", "operation": "CREATE",
           "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
           "object": {
             "apiVersion": "v1", "kind": "Pod",
             "metadata": {"generateName": "m-", "namespace": "models",
               "annotations": {"driftwatch.io/inject": "true"%s}},
             "spec": {"containers": [
               {"name": "model", "image": "m:1", "ports": [%s]}]}
           },
           "oldObject": null, "dryRun": false
         }}
        """
            .formatted(annotations, ports));
  }

  private static final String HTTP_AND_GRPC =
      "{\"name\": \"http\", \"containerPort\": 8080, \"protocol\": \"TCP\"},"
          + "{\"name\": \"rpc\", \"containerPort\": 9000, \"protocol\": \"TCP\"}";

  private static JsonNode object(ObjectNode review) {
    return review.path("request").path("object");
  }

  private static Decision decide(SidecarInjector injector, ObjectNode review) {
    return injector.decide(object(review));
  }

  private static Map<String, String> sidecarEnv(SidecarInjector injector, ObjectNode review) {
    Decision d = decide(injector, review);
    assertThat(d.outcome()).isEqualTo(Outcome.INJECTED);
    assertThat(d.warnings()).isEmpty();
    JsonNode after = JsonPatch.apply(object(review), d.patch());
    Map<String, String> env = env(container(pod(after), SidecarTemplate.CONTAINER));
    env.keySet().removeIf(k -> !k.startsWith(SidecarConfig.ENV_PREFIX));
    SidecarConfig.fromEnvironment(env); // the sidecar takes it
    return env;
  }

  @Test
  void anExplicitGrpcPortNumberBecomesTheGrpcUpstream() {
    ObjectNode review =
        review(
            HTTP_AND_GRPC,
            ", \"driftwatch.io/port\": \"8080\", \"driftwatch.io/grpc-port\": \"9000\"");
    Map<String, String> env = sidecarEnv(injector, review);
    assertThat(env)
        .containsEntry("DRIFTWATCH_SIDECAR_UPSTREAM", "http://127.0.0.1:8080")
        .containsEntry(GRPC_ENV, "http://127.0.0.1:9000");
    assertThat(SidecarConfig.fromEnvironment(env).upstreamGrpc())
        .isEqualTo(URI.create("http://127.0.0.1:9000"));
  }

  @Test
  void aGrpcPortNumberNeedNotBeDeclared() {
    ObjectNode review =
        review(
            HTTP_AND_GRPC,
            ", \"driftwatch.io/port\": \"http\", \"driftwatch.io/grpc-port\": \"50051\"");
    assertThat(sidecarEnv(injector, review)).containsEntry(GRPC_ENV, "http://127.0.0.1:50051");
  }

  @Test
  void aGrpcPortByNameResolvesToItsNumber() {
    ObjectNode review =
        review(
            HTTP_AND_GRPC,
            ", \"driftwatch.io/port\": \"http\", \"driftwatch.io/grpc-port\": \"rpc\"");
    assertThat(sidecarEnv(injector, review)).containsEntry(GRPC_ENV, "http://127.0.0.1:9000");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"grpc, 8001", "h2c, 8002"})
  void aContainerPortNamedGrpcOrH2cIsPickedUpWithoutTheAnnotation(String name, int number) {
    ObjectNode review =
        review(
            "{\"name\": \"http\", \"containerPort\": 8000},"
                + "{\"name\": \""
                + name
                + "\", \"containerPort\": "
                + number
                + ", \"protocol\": \"TCP\"}",
            ", \"driftwatch.io/port\": \"http\"");
    assertThat(sidecarEnv(injector, review))
        .containsEntry("DRIFTWATCH_SIDECAR_UPSTREAM", "http://127.0.0.1:8000")
        .containsEntry(GRPC_ENV, "http://127.0.0.1:" + number);
  }

  @Test
  void theAnnotationWinsOverAPortNamedGrpc() {
    ObjectNode review =
        review(
            "{\"name\": \"http\", \"containerPort\": 8000},"
                + "{\"name\": \"grpc\", \"containerPort\": 8001},"
                + "{\"name\": \"rpc2\", \"containerPort\": 9001}",
            ", \"driftwatch.io/port\": \"http\", \"driftwatch.io/grpc-port\": \"rpc2\"");
    assertThat(sidecarEnv(injector, review)).containsEntry(GRPC_ENV, "http://127.0.0.1:9001");
  }

  @Test
  void withoutAnnotationOrNamedPortNothingIsSet() {
    ObjectNode review = review(HTTP_AND_GRPC, ", \"driftwatch.io/port\": \"8080\"");
    assertThat(sidecarEnv(injector, review)).doesNotContainKeys(GRPC_ENV, OTLP_ENV);
  }

  @Test
  void aUdpPortNamedGrpcIsNotTaken() {
    ObjectNode review =
        review(
            "{\"name\": \"http\", \"containerPort\": 8000},"
                + "{\"name\": \"grpc\", \"containerPort\": 8001, \"protocol\": \"UDP\"}",
            "");
    assertThat(sidecarEnv(injector, review)).doesNotContainKey(GRPC_ENV);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0         | driftwatch.io/grpc-port: 0 (expected: the model server's gRPC port: 1 to 65535,"
            + " or a container port name)",
        "70000     | driftwatch.io/grpc-port: 70000 (expected: the model server's gRPC port",
        "Grpc      | driftwatch.io/grpc-port: Grpc (expected: the model server's gRPC port",
        "-9000     | driftwatch.io/grpc-port: -9000 (expected",
        "nosuch    | driftwatch.io/grpc-port: nosuch (expected: the name of a container port)",
        "8081      | driftwatch.io/grpc-port: 8081 (expected: not a port of the sidecar)",
        "9091      | driftwatch.io/grpc-port: 9091 (expected: not a port of the sidecar)",
        "udp       | driftwatch.io/grpc-port: 9002 (expected: a TCP port)",
      })
  void aBadGrpcPortIsRefusedWithAWarningThatSaysWhy(String value, String warning) {
    ObjectNode review =
        review(
            HTTP_AND_GRPC + ",{\"name\": \"udp\", \"containerPort\": 9002, \"protocol\": \"UDP\"}",
            ", \"driftwatch.io/port\": \"8080\", \"driftwatch.io/grpc-port\": \"" + value + "\"");
    Decision d = decide(injector, review);
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.patch()).isNull();
    assertThat(d.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("driftwatch: sidecar not injected: ")
        .contains(warning);
  }

  @Test
  void aNonTextGrpcPortIsRefusedInTheAdmissionResponse() throws Exception {
    ObjectNode review = review(HTTP_AND_GRPC, ", \"driftwatch.io/port\": \"8080\"");
    ((ObjectNode) review.at("/request/object/metadata/annotations"))
        .put(Annotations.GRPC_PORT, 9000);
    AdmissionCodec.Request request = AdmissionCodec.read(Fixtures.JSON.writeValueAsBytes(review));
    Decision d = injector.decide(request.object());
    JsonNode response =
        Fixtures.JSON.readTree(AdmissionCodec.allow(request.uid(), d.patch(), d.warnings()));
    assertThat(response.at("/response/allowed").asBoolean()).isTrue();
    assertThat(response.at("/response/patch").isMissingNode()).isTrue();
    assertThat(response.at("/response/warnings/0").asText())
        .contains("driftwatch.io/grpc-port: 9000 (expected");
  }

  @Test
  void theOtlpEndpointComesFromTheInjectorConfiguration() {
    SidecarInjector traced =
        new SidecarInjector(
            Fixtures.config()
                .sidecarOtlpEndpoint("http://otel-collector.observability:4318")
                .build());
    ObjectNode review = review(HTTP_AND_GRPC, ", \"driftwatch.io/port\": \"8080\"");
    assertThat(sidecarEnv(traced, review))
        .containsEntry(OTLP_ENV, "http://otel-collector.observability:4318");
  }

  @Test
  void thePodsOtlpAnnotationOverridesTheConfiguration() {
    SidecarInjector traced =
        new SidecarInjector(
            Fixtures.config()
                .sidecarOtlpEndpoint("http://otel-collector.observability:4318")
                .build());
    ObjectNode review =
        review(
            HTTP_AND_GRPC,
            ", \"driftwatch.io/port\": \"8080\", \"driftwatch.io/otlp-endpoint\": \"http://tempo.team-a:4318\"");
    assertThat(sidecarEnv(traced, review)).containsEntry(OTLP_ENV, "http://tempo.team-a:4318");
    // Without one configured, the annotation alone turns tracing on.
    assertThat(sidecarEnv(injector, review)).containsEntry(OTLP_ENV, "http://tempo.team-a:4318");
  }

  @Test
  void aBadOtlpAnnotationIsRefused() {
    ObjectNode review =
        review(
            HTTP_AND_GRPC,
            ", \"driftwatch.io/port\": \"8080\", \"driftwatch.io/otlp-endpoint\": \"not a url\"");
    Decision d = decide(injector, review);
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("driftwatch: sidecar not injected: driftwatch.io/otlp-endpoint: not a url")
        .contains("(expected: a value the sidecar takes");
  }

  @Test
  void injectingTwiceChangesNothing() {
    SidecarInjector traced =
        new SidecarInjector(Fixtures.config().sidecarOtlpEndpoint("http://otel:4318").build());
    ObjectNode review =
        review(
            "{\"name\": \"http\", \"containerPort\": 8000},"
                + "{\"name\": \"grpc\", \"containerPort\": 8001}",
            ", \"driftwatch.io/grpc-port\": \"grpc\", \"driftwatch.io/port\": \"http\"");
    Decision first = decide(traced, review);
    JsonNode once = JsonPatch.apply(object(review), first.patch());
    Decision again = traced.decide(once);
    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_INJECTED);
    assertThat(again.patch()).isNull();
    assertThat(again.warnings()).isEmpty();
    Map<String, String> env = env(container(pod(once), SidecarTemplate.CONTAINER));
    assertThat(env)
        .containsEntry(GRPC_ENV, "http://127.0.0.1:8001")
        .containsEntry(OTLP_ENV, "http://otel:4318");
  }

  @Test
  void theNewAnnotationsAreKnown() {
    ObjectNode review =
        review(
            HTTP_AND_GRPC,
            ", \"driftwatch.io/port\": \"8080\", \"driftwatch.io/grpc-port\": \"9000\","
                + " \"driftwatch.io/otlp-endpoint\": \"http://otel:4318\"");
    assertThat(decide(injector, review).warnings()).isEmpty();
  }
}
