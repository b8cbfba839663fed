package io.driftwatch.sidecar.injector;

import static io.driftwatch.sidecar.injector.Fixtures.container;
import static io.driftwatch.sidecar.injector.Fixtures.env;
import static io.driftwatch.sidecar.injector.Fixtures.json;
import static io.driftwatch.sidecar.injector.Fixtures.pod;
import static io.driftwatch.sidecar.injector.Fixtures.tritonPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.driftwatch.sidecar.SidecarConfig;
import io.driftwatch.sidecar.injector.SidecarInjector.Decision;
import io.driftwatch.sidecar.injector.SidecarInjector.Outcome;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The injection decision and its patch, applied to pods and read back as typed Kubernetes pods. */
class InjectorMutatorTest {
  private final SidecarInjector injector = new SidecarInjector(Fixtures.config().build());

  private static JsonNode patched(JsonNode pod, Decision d) {
    assertThat(d.outcome()).isEqualTo(Outcome.INJECTED);
    return JsonPatch.apply(pod, d.patch());
  }

  private static ObjectNode annotated(String spec, String... annotations) {
    ObjectNode pod =
        json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{},\"spec\":" + spec + "}");
    ObjectNode a = ((ObjectNode) pod.get("metadata")).putObject("annotations");
    a.put(Annotations.INJECT, "true");
    for (int i = 0; i < annotations.length; i += 2) {
      a.put(annotations[i], annotations[i + 1]);
    }
    return pod;
  }

  private static final String ONE_PORT =
      "{\"containers\":[{\"name\":\"model\",\"image\":\"m:1\","
          + "\"ports\":[{\"containerPort\":8080}]}]}";

  @Test
  void addsTheSidecarToTheTritonPodAndLeavesTheModelAsItWas() {
    ObjectNode original = tritonPod();
    Decision d = injector.decide(original);
    assertThat(d.warnings()).isEmpty();
    JsonNode after = patched(original, d);
    Pod pod = pod(after);

    assertThat(pod.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("model", SidecarTemplate.CONTAINER);
    Container sidecar = container(pod, SidecarTemplate.CONTAINER);
    assertThat(sidecar.getImage()).isEqualTo(Fixtures.IMAGE);
    assertThat(sidecar.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(sidecar.getArgs()).containsExactly("sidecar");
    assertThat(sidecar.getCommand()).isEmpty();
    assertThat(env(sidecar))
        .containsExactly(
            Map.entry("DRIFTWATCH_SIDECAR_UPSTREAM", "http://127.0.0.1:8000"),
            Map.entry("DRIFTWATCH_SIDECAR_UPSTREAM_GRPC", "http://127.0.0.1:8001"),
            Map.entry("DRIFTWATCH_SIDECAR_LISTEN_PORT", "8081"),
            Map.entry("DRIFTWATCH_SIDECAR_ADMIN_PORT", "9091"),
            Map.entry("DRIFTWATCH_SIDECAR_KAFKA_BOOTSTRAP_SERVERS", Fixtures.KAFKA),
            Map.entry("DRIFTWATCH_SIDECAR_MODEL", "credit-risk"),
            Map.entry("DRIFTWATCH_SIDECAR_MODEL_VERSION", "3"),
            Map.entry("DRIFTWATCH_SIDECAR_SAMPLING_RATE", "0.25"),
            Map.entry(
                "DRIFTWATCH_JAVA_OPTS", "-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"));
    assertThat(sidecar.getPorts())
        .extracting(
            ContainerPort::getName, ContainerPort::getContainerPort, ContainerPort::getProtocol)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("driftwatch", 8081, "TCP"),
            org.assertj.core.groups.Tuple.tuple("dw-admin", 9091, "TCP"));
    assertThat(sidecar.getResources().getRequests())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")));
    assertThat(sidecar.getResources().getLimits())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("cpu", new Quantity("2"), "memory", new Quantity("512Mi")));
    assertProbe(sidecar.getLivenessProbe(), "/healthz/live");
    assertProbe(sidecar.getReadinessProbe(), "/healthz/ready");
    SecurityContext sc = sidecar.getSecurityContext();
    assertThat(sc.getRunAsNonRoot()).isTrue();
    assertThat(sc.getRunAsUser()).isEqualTo(65532L);
    assertThat(sc.getRunAsGroup()).isEqualTo(65532L);
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getPrivileged()).isNull();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).isEmpty();
    assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(sidecar.getVolumeMounts())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getName()).isEqualTo(SidecarTemplate.VOLUME);
              assertThat(m.getMountPath()).isEqualTo("/tmp");
            });
    assertThat(pod.getSpec().getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("models", "kube-api-access-x7k2p", SidecarTemplate.VOLUME);
    assertThat(pod.getSpec().getVolumes().get(2).getEmptyDir().getSizeLimit())
        .isEqualTo(new Quantity("64Mi"));
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("driftwatch.io/status", "injected");

    // The model keeps everything but the port name the sidecar takes over; what named that port
    // now uses its number, so the kubelet still probes the model directly.
    ObjectNode expectedModel = (ObjectNode) original.at("/spec/containers/0").deepCopy();
    ((ObjectNode) expectedModel.at("/ports/0")).put("name", "dw-model");
    ((ObjectNode) expectedModel.at("/readinessProbe/httpGet")).put("port", 8000);
    ((ObjectNode) expectedModel.at("/lifecycle/preStop/httpGet")).put("port", 8000);
    assertThat(after.at("/spec/containers/0")).isEqualTo(expectedModel);
    Container model = container(pod, "model");
    assertThat(model.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8000));
    assertThat(model.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8000));

    // Nothing else in the pod moved.
    ObjectNode rest = (ObjectNode) after.deepCopy();
    ObjectNode before = original.deepCopy();
    for (ObjectNode o : List.of(rest, before)) {
      ((ObjectNode) o.get("spec")).remove(List.of("containers", "volumes"));
      ((ObjectNode) o.at("/metadata/annotations")).remove("driftwatch.io/status");
    }
    assertThat(rest).isEqualTo(before);
  }

  private static void assertProbe(Probe p, String path) {
    assertThat(p.getHttpGet().getPath()).isEqualTo(path);
    assertThat(p.getHttpGet().getPort()).isEqualTo(new IntOrString("dw-admin"));
    assertThat(p.getHttpGet().getScheme()).isEqualTo("HTTP");
    assertThat(p.getPeriodSeconds()).isPositive();
    assertThat(p.getTimeoutSeconds()).isPositive();
    assertThat(p.getFailureThreshold()).isPositive();
  }

  @Test
  void theSidecarAcceptsTheEnvironmentItIsGiven() {
    Pod pod = pod(patched(tritonPod(), injector.decide(tritonPod())));
    Map<String, String> env = env(container(pod, SidecarTemplate.CONTAINER));
    env.keySet().removeIf(k -> !k.startsWith(SidecarConfig.ENV_PREFIX));
    SidecarConfig sidecar = SidecarConfig.fromEnvironment(env);
    assertThat(sidecar.upstream()).isEqualTo(URI.create("http://127.0.0.1:8000"));
    assertThat(sidecar.upstreamGrpc()).isEqualTo(URI.create("http://127.0.0.1:8001"));
    assertThat(sidecar.listenPort()).isEqualTo(8081);
    assertThat(sidecar.adminPort()).isEqualTo(9091);
    assertThat(sidecar.kafkaBootstrapServers()).isEqualTo(Fixtures.KAFKA);
    assertThat(sidecar.model()).isEqualTo("credit-risk");
    assertThat(sidecar.modelVersion()).isEqualTo("3");
    assertThat(sidecar.samplingRate()).isEqualTo(0.25);
  }

  @Test
  void injectingTwiceChangesNothing() {
    JsonNode once = patched(tritonPod(), injector.decide(tritonPod()));
    Decision again = injector.decide(once);
    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_INJECTED);
    assertThat(again.patch()).isNull();
    assertThat(again.warnings()).isEmpty();
  }

  @Test
  void aSidecarAlreadyAmongTheInitContainersCountsAsInjected() {
    ObjectNode pod = annotated(ONE_PORT);
    ((ObjectNode) pod.get("spec"))
        .putArray("initContainers")
        .addObject()
        .put("name", SidecarTemplate.CONTAINER)
        .put("image", "x")
        .put("restartPolicy", "Always");
    assertThat(injector.decide(pod).outcome()).isEqualTo(Outcome.ALREADY_INJECTED);
  }

  @Test
  void podsThatDoNotAskAreLeftAlone() {
    for (String pod :
        List.of(
            "{}",
            "{\"metadata\":{}}",
            "{\"metadata\":{\"annotations\":null}}",
            "{\"metadata\":{\"annotations\":{}},\"spec\":" + ONE_PORT + "}",
            "{\"metadata\":{\"annotations\":{\"driftwatch.io/inject\":\"false\"}}}",
            "{\"metadata\":{\"annotations\":{\"driftwatch.io/inject\":\" FALSE \"}}}")) {
      Decision d = injector.decide(json(pod));
      assertThat(d.outcome()).as(pod).isEqualTo(Outcome.NOT_REQUESTED);
      assertThat(d.patch()).as(pod).isNull();
      assertThat(d.warnings()).as(pod).isEmpty();
    }
    ObjectNode unannotated = tritonPod();
    ((ObjectNode) unannotated.get("metadata")).remove("annotations");
    assertThat(injector.decide(unannotated).outcome()).isEqualTo(Outcome.NOT_REQUESTED);
  }

  @Test
  void createsTheListsAPodDoesNotHave() {
    ObjectNode pod = annotated("{}", Annotations.PORT, "8080");
    JsonNode after = patched(pod, injector.decide(pod));
    assertThat(after.at("/spec/containers")).hasSize(1);
    assertThat(after.at("/spec/volumes")).hasSize(1);
    Pod typed = pod(after);
    assertThat(env(container(typed, SidecarTemplate.CONTAINER)))
        .containsEntry("DRIFTWATCH_SIDECAR_UPSTREAM", "http://127.0.0.1:8080")
        .doesNotContainKeys(
            "DRIFTWATCH_SIDECAR_MODEL",
            "DRIFTWATCH_SIDECAR_MODEL_VERSION",
            "DRIFTWATCH_SIDECAR_SAMPLING_RATE");

    ObjectNode nulls = annotated("{\"containers\":null,\"volumes\":null}", Annotations.PORT, "80");
    assertThat(pod(patched(nulls, injector.decide(nulls))).getSpec().getContainers()).hasSize(1);
  }

  @Test
  void theModelPortIsTheAnnotationOrTheOnlyPortOrThePortNamedDriftwatch() {
    ObjectNode single = annotated(ONE_PORT);
    assertThat(upstream(single)).isEqualTo("http://127.0.0.1:8080");

    String twoPorts =
        "{\"containers\":[{\"name\":\"model\",\"image\":\"m:1\",\"ports\":["
            + "{\"name\":\"http\",\"containerPort\":8080},"
            + "{\"name\":\"metrics\",\"containerPort\":9090}]}]}";
    assertThat(upstream(annotated(twoPorts, Annotations.PORT, "http")))
        .isEqualTo("http://127.0.0.1:8080");
    assertThat(upstream(annotated(twoPorts, Annotations.PORT, "9090")))
        .isEqualTo("http://127.0.0.1:9090");
    assertThat(upstream(annotated(twoPorts, Annotations.PORT, " 7000 ")))
        .as("a port the pod does not declare")
        .isEqualTo("http://127.0.0.1:7000");

    Decision ambiguous = injector.decide(annotated(twoPorts));
    assertThat(ambiguous.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(ambiguous.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("driftwatch.io/port is missing", "2 TCP ports");
  }

  private String upstream(ObjectNode pod) {
    Pod p = pod(patched(pod, injector.decide(pod)));
    return env(container(p, SidecarTemplate.CONTAINER)).get("DRIFTWATCH_SIDECAR_UPSTREAM");
  }

  @Test
  void hooksAndTcpProbesOfOtherContainersThatNamedThePortGetItsNumber() {
    ObjectNode pod =
        annotated(
            "{\"containers\":["
                + "{\"name\":\"model\",\"image\":\"m:1\",\"ports\":[{\"name\":\"driftwatch\","
                + "\"containerPort\":8500}],\"startupProbe\":{\"tcpSocket\":{\"port\":\"driftwatch\"}}},"
                + "{\"name\":\"warmup\",\"image\":\"w:1\",\"lifecycle\":{\"postStart\":"
                + "{\"httpGet\":{\"path\":\"/warm\",\"port\":\"driftwatch\"}}}}]}");
    JsonNode after = patched(pod, injector.decide(pod));
    assertThat(after.at("/spec/containers/0/ports/0/name")).isEqualTo(new TextNode("dw-model"));
    assertThat(after.at("/spec/containers/0/startupProbe/tcpSocket/port"))
        .isEqualTo(new IntNode(8500));
    assertThat(after.at("/spec/containers/1/lifecycle/postStart/httpGet/port"))
        .isEqualTo(new IntNode(8500));
    Pod typed = pod(after);
    assertThat(container(typed, SidecarTemplate.CONTAINER).getPorts().get(0).getName())
        .isEqualTo("driftwatch");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "driftwatch.io/sampling-rate | 2          | driftwatch.io/sampling-rate: 2 (expected: a decimal from 0 to 1",
        "driftwatch.io/sampling-rate | -0.1       | driftwatch.io/sampling-rate: -0.1 (expected",
        "driftwatch.io/sampling-rate | NaN        | driftwatch.io/sampling-rate: NaN (expected",
        "driftwatch.io/sampling-rate | 0.5d       | driftwatch.io/sampling-rate: 0.5d (expected",
        "driftwatch.io/sampling-rate | 1.01       | driftwatch.io/sampling-rate: 1.01 (expected",
        "driftwatch.io/port          | 0          | driftwatch.io/port: 0 (expected: the model server's port",
        "driftwatch.io/port          | 70000      | driftwatch.io/port: 70000 (expected",
        "driftwatch.io/port          | Http       | driftwatch.io/port: Http (expected",
        "driftwatch.io/port          | grpc       | driftwatch.io/port: grpc (expected: the name of a container port)",
        "driftwatch.io/port          | 8081       | driftwatch.io/port: 8081 (expected: not a port of the sidecar)",
        "driftwatch.io/protocol      | grpc       | driftwatch.io/protocol: grpc (expected: a value the sidecar takes; it says protocol: grpc (expected: auto, kserve-v2",
        "driftwatch.io/protocol      | generic-json | driftwatch.io/protocol: generic-json (expected: a value the sidecar takes; it says genericFeatures",
        "driftwatch.io/inject        | yes        | driftwatch.io/inject: yes (expected: true or false)",
      })
  void invalidAnnotationsAreRefusedWithAWarningThatSaysWhy(
      String annotation, String value, String warning) {
    ObjectNode pod = annotated(ONE_PORT);
    ((ObjectNode) pod.at("/metadata/annotations")).put(annotation, value);
    Decision d = injector.decide(pod);
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.patch()).isNull();
    assertThat(d.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("driftwatch: sidecar not injected: ")
        .contains(warning);
  }

  @Test
  void validAnnotationValuesAreAccepted() {
    for (String rate : List.of("0", "1", "1.0", "0.001", ".5")) {
      ObjectNode pod = annotated(ONE_PORT, Annotations.SAMPLING_RATE, rate);
      Pod p = pod(patched(pod, injector.decide(pod)));
      String env =
          env(container(p, SidecarTemplate.CONTAINER)).get("DRIFTWATCH_SIDECAR_SAMPLING_RATE");
      assertThat(Double.parseDouble(env)).as(rate).isBetween(0.0, 1.0);
    }
    ObjectNode pod = annotated(ONE_PORT, Annotations.PROTOCOL, "KServe-V2", Annotations.MODEL, " ");
    Decision d = injector.decide(pod);
    assertThat(d.outcome()).isEqualTo(Outcome.INJECTED);
    assertThat(env(container(pod(patched(pod, d)), SidecarTemplate.CONTAINER)))
        .containsEntry("DRIFTWATCH_SIDECAR_PROTOCOL", "kserve-v2")
        .doesNotContainKey("DRIFTWATCH_SIDECAR_MODEL");
    ObjectNode openai = annotated(ONE_PORT, Annotations.PROTOCOL, "openai");
    assertThat(
            env(
                container(
                    pod(patched(openai, injector.decide(openai))), SidecarTemplate.CONTAINER)))
        .containsEntry("DRIFTWATCH_SIDECAR_PROTOCOL", "openai");
    ObjectNode absent = annotated(ONE_PORT);
    assertThat(
            env(
                container(
                    pod(patched(absent, injector.decide(absent))), SidecarTemplate.CONTAINER)))
        .as("no annotation: the sidecar's own default")
        .doesNotContainKey("DRIFTWATCH_SIDECAR_PROTOCOL");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    ObjectNode pod =
        annotated(ONE_PORT, Annotations.SAMPLING_RATE, "2", Annotations.PROTOCOL, "grpc");
    assertThat(injector.decide(pod).warnings())
        .hasSize(2)
        .anySatisfy(w -> assertThat(w).contains(Annotations.SAMPLING_RATE))
        .anySatisfy(w -> assertThat(w).contains(Annotations.PROTOCOL));
  }

  @Test
  void hostileValuesComeBackShortAndPrintable() {
    String hostile = "0.5\n\u0007" + "x".repeat(10_000) + "\u202e";
    ObjectNode pod =
        annotated(ONE_PORT, Annotations.SAMPLING_RATE, hostile, Annotations.MODEL, hostile);
    ((ObjectNode) pod.at("/metadata/annotations")).put("driftwatch.io/" + hostile, "1");
    Decision d = injector.decide(pod);
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.warnings()).hasSize(3);
    for (String w : d.warnings()) {
      assertThat(w).hasSizeLessThan(400).matches("[\\x20-\\x7e]*");
    }
  }

  @Test
  void unknownDriftwatchAnnotationsAreWarnedAboutButDoNotStopInjection() {
    ObjectNode pod = annotated(ONE_PORT, "driftwatch.io/sampling_rate", "0.1");
    Decision d = injector.decide(pod);
    assertThat(d.outcome()).isEqualTo(Outcome.INJECTED);
    assertThat(d.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("unknown annotation driftwatch.io/sampling_rate");
  }

  @Test
  void podsTheSidecarCannotJoinSafelyAreRefused() {
    Map<String, String> cases =
        Map.of(
            "{\"hostNetwork\":true,\"containers\":[{\"name\":\"m\",\"image\":\"m\",\"ports\":[{\"containerPort\":8080}]}]}",
            "hostNetwork",
            "{\"containers\":[{\"name\":\"m\",\"image\":\"m\",\"ports\":[{\"containerPort\":8080,\"name\":\"driftwatch\"},{\"containerPort\":9091,\"name\":\"jmx\"}]}]}",
            "port 9091 is declared by another container",
            "{\"containers\":[{\"name\":\"m\",\"image\":\"m\",\"ports\":[{\"containerPort\":8080,\"name\":\"dw-admin\"}]}]}",
            "the port name dw-admin is taken",
            "{\"containers\":[{\"name\":\"m\",\"image\":\"m\",\"ports\":[{\"containerPort\":8080,\"name\":\"driftwatch\"},{\"containerPort\":9000}]}],\"volumes\":[{\"name\":\"driftwatch-tmp\",\"emptyDir\":{}}]}",
            "a volume is already named driftwatch-tmp",
            "{\"containers\":{\"name\":\"m\"}}",
            "spec.containers is not a list",
            "{\"containers\":[{\"name\":\"m\",\"image\":\"m\",\"ports\":[{\"containerPort\":5353,\"protocol\":\"UDP\"}]}]}",
            "0 TCP ports");
    cases.forEach(
        (spec, why) -> {
          Decision d = injector.decide(annotated(spec));
          assertThat(d.outcome()).as(spec).isEqualTo(Outcome.REFUSED);
          assertThat(d.patch()).isNull();
          assertThat(d.warnings()).as(spec).anySatisfy(w -> assertThat(w).contains(why));
        });

    ObjectNode disagree = tritonPod();
    ((ObjectNode) disagree.at("/metadata/annotations")).put(Annotations.PORT, "8001");
    assertThat(injector.decide(disagree).warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("driftwatch.io/port: 8001 (expected: 8000, the port named driftwatch)");

    ObjectNode noSpec = annotated("{}");
    noSpec.remove("spec");
    assertThat(injector.decide(noSpec).warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("the pod has no spec");
  }

  @Test
  void theInjectorConfigurationShapesTheContainer() {
    SidecarInjector custom =
        new SidecarInjector(
            Fixtures.config()
                .sidecarListenPort(15000)
                .sidecarAdminPort(15001)
                .cpuRequest("250m")
                .memoryRequest("")
                .cpuLimit("")
                .memoryLimit("1Gi")
                .javaOpts("")
                .imagePullPolicy("Always")
                .build());
    ObjectNode pod = annotated(ONE_PORT);
    Container c = container(pod(patched(pod, custom.decide(pod))), SidecarTemplate.CONTAINER);
    assertThat(c.getPorts())
        .extracting(ContainerPort::getContainerPort)
        .containsExactly(15000, 15001);
    assertThat(c.getResources().getRequests()).containsOnlyKeys("cpu");
    assertThat(c.getResources().getLimits()).containsOnlyKeys("memory");
    assertThat(c.getImagePullPolicy()).isEqualTo("Always");
    assertThat(env(c))
        .containsEntry("DRIFTWATCH_SIDECAR_LISTEN_PORT", "15000")
        .containsEntry("DRIFTWATCH_SIDECAR_ADMIN_PORT", "15001")
        .doesNotContainKey("DRIFTWATCH_JAVA_OPTS");
  }

  @Test
  void thePatchOnlyAddsExceptForThePortHandOver() {
    ArrayNode plain = injector.decide(annotated(ONE_PORT)).patch();
    assertThat(plain).allSatisfy(op -> assertThat(op.get("op").asText()).isEqualTo("add"));
    assertThat(plain)
        .extracting(op -> op.get("path").asText())
        .containsExactly(
            "/spec/volumes", "/spec/containers/-", "/metadata/annotations/driftwatch.io~1status");
  }
}
