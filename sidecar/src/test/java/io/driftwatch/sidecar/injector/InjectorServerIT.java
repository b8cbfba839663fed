package io.driftwatch.sidecar.injector;

import static io.driftwatch.sidecar.injector.Fixtures.container;
import static io.driftwatch.sidecar.injector.Fixtures.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftwatch.sidecar.injector.TestCertificates.Generated;
import io.driftwatch.sidecar.injector.TestCertificates.KeyFormat;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injector over real HTTPS: AdmissionReview JSON as the API server sends it, the JSON Patch it
 * answers applied to the pod, and the result read as a typed Kubernetes pod.
 */
class InjectorServerIT {
  private static final int MAX_BYTES = 256 * 1024;

  @TempDir static Path dir;
  private static Generated cert;
  private static InjectorServer server;
  private static HttpClient client;
  private static URI base;

  @BeforeAll
  static void start() {
    cert = TestCertificates.write(dir.resolve("tls"), "RSA", KeyFormat.TRADITIONAL);
    server =
        InjectorServer.start(
            Fixtures.config()
                .listenHost("127.0.0.1")
                .listenPort(0)
                .tlsCert(cert.certFile())
                .tlsKey(cert.keyFile())
                .maxRequestBytes(MAX_BYTES)
                .build());
    client = cert.client();
    base = URI.create("https://127.0.0.1:" + server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(
          request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> post(String path, byte[] body) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static HttpResponse<String> post(JsonNode review) {
    return post("/mutate?timeout=5s", review.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The response of a 200 answer, read into the typed model with no unknown field. */
  private static AdmissionResponse answer(HttpResponse<String> r, String uid) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    AdmissionReview review = Fixtures.JSON.readValue(r.body(), AdmissionReview.class);
    StrictModel.assertNoUnknownFields(review);
    assertThat(review.getApiVersion()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.getKind()).isEqualTo("AdmissionReview");
    assertThat(review.getRequest()).isNull();
    AdmissionResponse response = review.getResponse();
    assertThat(response.getUid()).isEqualTo(uid);
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getStatus()).isNull();
    return response;
  }

  private static JsonNode patchOf(AdmissionResponse response) throws IOException {
    assertThat(response.getPatchType()).isEqualTo("JSONPatch");
    return Fixtures.JSON.readTree(Base64.getDecoder().decode(response.getPatch()));
  }

  private static ObjectNode reviewWithUid(JsonNode pod, String uid) {
    ObjectNode review = Fixtures.review(pod);
    ((ObjectNode) review.get("request")).put("uid", uid);
    return review;
  }

  @Test
  void addsTheSidecarOnceAndLeavesTheModelServing() throws IOException {
    ObjectNode review = Fixtures.review();
    JsonNode original = review.at("/request/object");
    AdmissionResponse response = answer(post(review), review.at("/request/uid").asText());
    assertThat(response.getWarnings()).isNullOrEmpty();

    JsonNode patchedJson = JsonPatch.apply(original, patchOf(response));
    Pod pod = Fixtures.pod(patchedJson);
    Pod before = Fixtures.pod(original);

    assertThat(pod.getSpec().getContainers())
        .filteredOn(c -> c.getName().equals(SidecarTemplate.CONTAINER))
        .hasSize(1);
    assertThat(pod.getSpec().getContainers()).hasSize(before.getSpec().getContainers().size() + 1);
    Container sidecar = container(pod, SidecarTemplate.CONTAINER);
    assertThat(sidecar.getArgs()).containsExactly("sidecar");
    assertThat(env(sidecar))
        .containsEntry("DRIFTWATCH_SIDECAR_UPSTREAM", "http://127.0.0.1:8000")
        .containsEntry("DRIFTWATCH_SIDECAR_LISTEN_PORT", "8081")
        .containsEntry("DRIFTWATCH_SIDECAR_ADMIN_PORT", "9091")
        .containsEntry("DRIFTWATCH_SIDECAR_KAFKA_BOOTSTRAP_SERVERS", Fixtures.KAFKA)
        .containsEntry("DRIFTWATCH_SIDECAR_MODEL", "credit-risk")
        .containsEntry("DRIFTWATCH_SIDECAR_MODEL_VERSION", "3")
        .containsEntry("DRIFTWATCH_SIDECAR_SAMPLING_RATE", "0.25");
    assertThat(sidecar.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz/live");
    assertThat(sidecar.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz/ready");
    assertThat(sidecar.getReadinessProbe().getHttpGet().getPort())
        .isEqualTo(new IntOrString("dw-admin"));
    assertThat(sidecar.getPorts())
        .filteredOn(p -> p.getName().equals("dw-admin"))
        .singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(9091));
    assertThat(sidecar.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(sidecar.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(sidecar.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(sidecar.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(sidecar.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sidecar.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(sidecar.getResources().getLimits()).containsKeys("cpu", "memory");

    // The original containers: the same, except the port name the sidecar took over and the
    // probe and hook that used it, which now use its number.
    Container model = container(pod, "model");
    Container modelBefore = container(before, "model");
    assertThat(model.getPorts().get(0).getName()).isEqualTo("dw-model");
    assertThat(model.getPorts().get(0).getContainerPort()).isEqualTo(8000);
    assertThat(model.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8000));
    assertThat(model.getLifecycle().getPreStop().getHttpGet().getPort())
        .isEqualTo(new IntOrString(8000));
    modelBefore.getPorts().get(0).setName("dw-model");
    modelBefore.getReadinessProbe().getHttpGet().setPort(new IntOrString(8000));
    modelBefore.getLifecycle().getPreStop().getHttpGet().setPort(new IntOrString(8000));
    assertThat(model).isEqualTo(modelBefore);
    assertThat(pod.getSpec().getInitContainers()).isEqualTo(before.getSpec().getInitContainers());
    assertThat(pod.getSpec().getTolerations()).isEqualTo(before.getSpec().getTolerations());
    assertThat(pod.getMetadata().getOwnerReferences())
        .isEqualTo(before.getMetadata().getOwnerReferences());

    // Injecting the patched pod again changes nothing.
    String uid = UUID.randomUUID().toString();
    AdmissionResponse again = answer(post(reviewWithUid(patchedJson, uid)), uid);
    assertThat(again.getPatch()).isNull();
    assertThat(again.getPatchType()).isNull();
    assertThat(again.getWarnings()).isNullOrEmpty();
  }

  @Test
  void podsThatDoNotAskAndRequestsThatAreNotCreationsGetNoPatch() throws IOException {
    ObjectNode pod = Fixtures.tritonPod();
    ((ObjectNode) pod.get("metadata")).remove("annotations");
    String uid = UUID.randomUUID().toString();
    AdmissionResponse plain = answer(post(reviewWithUid(pod, uid)), uid);
    assertThat(plain.getPatch()).isNull();
    assertThat(plain.getPatchType()).isNull();

    ObjectNode update = Fixtures.review();
    ((ObjectNode) update.get("request")).put("operation", "UPDATE");
    ((ObjectNode) update.get("request")).set("oldObject", Fixtures.tritonPod());
    AdmissionResponse updated = answer(post(update), update.at("/request/uid").asText());
    assertThat(updated.getPatch()).isNull();
  }

  @Test
  void anInvalidAnnotationIsAWarningAndNoPatch() throws IOException {
    ObjectNode pod = Fixtures.tritonPod();
    ((ObjectNode) pod.at("/metadata/annotations")).put("driftwatch.io/sampling-rate", "2");
    String uid = UUID.randomUUID().toString();
    AdmissionResponse r = answer(post(reviewWithUid(pod, uid)), uid);
    assertThat(r.getPatch()).isNull();
    assertThat(r.getPatchType()).isNull();
    assertThat(r.getWarnings())
        .containsExactly(
            "driftwatch: sidecar not injected: driftwatch.io/sampling-rate: 2"
                + " (expected: a decimal from 0 to 1, e.g. 0.1)");
  }

  @Test
  void garbageGetsA400WithAShortJsonReason() throws IOException {
    List<String> bodies =
        List.of(
            "",
            "hello",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"",
            "[]",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}",
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                + "\"operation\":\"CREATE\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}}}");
    for (String body : bodies) {
      HttpResponse<String> r = post("/mutate", body.getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertShortJsonError(r);
    }
    byte[] binary = new byte[4096];
    new java.util.Random(7).nextBytes(binary);
    assertShortJsonError(post("/mutate", binary));
  }

  private static void assertShortJsonError(HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).isBetween(400, 499);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = Fixtures.JSON.readTree(r.body());
    assertThat(error.size()).isEqualTo(1);
    assertThat(error.get("error").asText()).isNotBlank().hasSizeLessThan(200);
    assertThat(r.body()).doesNotContain("Exception", "\tat ", "io.driftwatch", "jackson");
  }

  @Test
  void wrongMethodsPathsAndSizesGetTheirStatus() throws IOException {
    HttpResponse<String> get = send(HttpRequest.newBuilder(base.resolve("/mutate")).GET());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    assertShortJsonError(get);
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(base.resolve("/mutate"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(put.statusCode()).isEqualTo(405);

    for (String path : List.of("/", "/validate", "/mutate/", "/mutatex", "/healthz")) {
      HttpResponse<String> r =
          post(path, Fixtures.review().toString().getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertShortJsonError(r);
    }

    byte[] big = new byte[MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpResponse<String> sized = post("/mutate", big);
    assertThat(sized.statusCode()).isEqualTo(413);
    assertShortJsonError(sized);
    // Without a Content-Length (chunked), the limit holds while reading.
    HttpResponse<String> chunked =
        send(
            HttpRequest.newBuilder(base.resolve("/mutate"))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertShortJsonError(chunked);

    // Just under the limit is read in full: a review padded with whitespace.
    byte[] review = Fixtures.review().toString().getBytes(StandardCharsets.UTF_8);
    byte[] padded = java.util.Arrays.copyOf(review, MAX_BYTES);
    java.util.Arrays.fill(padded, review.length, MAX_BYTES, (byte) ' ');
    assertThat(post("/mutate", padded).statusCode()).isEqualTo(200);
  }

  @Test
  void servesItsOwnProbes() {
    for (String path : List.of("/healthz/live", "/healthz/ready")) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve(path)).GET());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
    }
  }

  @Test
  void concurrentReviewsGetTheirOwnUid() throws Exception {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String uid = "uid-" + i;
      ObjectNode review = reviewWithUid(Fixtures.tritonPod(), uid);
      HttpRequest request =
          HttpRequest.newBuilder(base.resolve("/mutate"))
              .timeout(Duration.ofSeconds(20))
              .POST(HttpRequest.BodyPublishers.ofString(review.toString()))
              .build();
      all.add(
          client
              .sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .thenAccept(
                  r -> {
                    try {
                      assertThat(patchOf(answer(r, uid))).isNotEmpty();
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  }));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get();
    InjectorStats stats = server.stats();
    assertThat(stats.injected()).isGreaterThanOrEqualTo(40);
  }

  @Test
  void servesARenewedCertificateWithoutARestart() throws Exception {
    Path tls = dir.resolve("renewing");
    Generated first = TestCertificates.write(tls, "RSA", KeyFormat.TRADITIONAL);
    try (InjectorServer renewing =
        InjectorServer.start(
            Fixtures.config()
                .listenHost("127.0.0.1")
                .listenPort(0)
                .tlsCert(first.certFile())
                .tlsKey(first.keyFile())
                .tlsReloadInterval(Duration.ofMillis(50))
                .build())) {
      URI live = URI.create("https://127.0.0.1:" + renewing.port() + "/healthz/live");
      assertThat(status(first.client(), live)).isEqualTo(200);

      Generated second = TestCertificates.write(tls, "EC", KeyFormat.TRADITIONAL);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(status(second.client(), live)).isEqualTo(200));
      assertThat(renewing.certificateChain()).containsExactly(second.certificate());
      assertThatThrownBy(() -> status(first.client(), live))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  private static int status(HttpClient c, URI uri) throws IOException, InterruptedException {
    return c.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void startFailsClearlyOnBadTlsFilesOrABusyPort() throws IOException {
    Path missing = dir.resolve("missing.crt");
    assertThatThrownBy(
            () ->
                InjectorServer.start(
                    Fixtures.config()
                        .listenPort(0)
                        .tlsCert(missing)
                        .tlsKey(cert.keyFile())
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tlsCert: " + missing);
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  InjectorServer.start(
                      Fixtures.config()
                          .listenHost("127.0.0.1")
                          .listenPort(busy.getLocalPort())
                          .tlsCert(cert.certFile())
                          .tlsKey(cert.keyFile())
                          .build()))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("listen: 127.0.0.1:" + busy.getLocalPort());
    }
  }
}
