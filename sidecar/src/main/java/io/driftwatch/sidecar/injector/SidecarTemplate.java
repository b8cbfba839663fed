package io.driftwatch.sidecar.injector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftwatch.sidecar.SidecarConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sidecar container and its scratch volume, as the JSON a pod spec holds. Every setting comes
 * from the {@link InjectorConfig} and the pod's {@link Annotations.Settings}; the sidecar reads
 * them from {@code DRIFTWATCH_SIDECAR_*} variables (see {@link SidecarConfig#KEYS}).
 */
final class SidecarTemplate {
  static final String CONTAINER = "driftwatch-sidecar";
  static final String VOLUME = "driftwatch-tmp";

  /** The sidecar's proxy port: the port a Service's {@code targetPort: driftwatch} reaches. */
  static final String PROXY_PORT = "driftwatch";

  static final String ADMIN_PORT = "dw-admin";

  /** What a model port named {@link #PROXY_PORT} is renamed to when the sidecar takes the name. */
  static final String MODEL_PORT = "dw-model";

  /** The non-root user the sidecar runs as (distroless "nonroot"). */
  static final long USER = 65532;

  private static final String JAVA_OPTS_ENV = "DRIFTWATCH_JAVA_OPTS";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final InjectorConfig config;

  SidecarTemplate(InjectorConfig config) {
    this.config = config;
  }

  /**
   * The {@code DRIFTWATCH_SIDECAR_*} variables for a model on {@code modelPort} (and its gRPC
   * server on {@code grpcPort}, 0 for none) in this pod, in the order they appear in the container.
   */
  Map<String, String> sidecarEnvironment(
      int modelPort, int grpcPort, Annotations.Settings settings) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(SidecarConfig.envOfKey("upstream"), "http://127.0.0.1:" + modelPort);
    if (grpcPort > 0) {
      env.put(SidecarConfig.envOfKey("upstream.grpc"), "http://127.0.0.1:" + grpcPort);
    }
    env.put(SidecarConfig.envOfKey("listen.port"), Integer.toString(config.sidecarListenPort()));
    env.put(SidecarConfig.envOfKey("admin.port"), Integer.toString(config.sidecarAdminPort()));
    env.put(SidecarConfig.envOfKey("kafka.bootstrap.servers"), config.kafkaBootstrapServers());
    if (!settings.model().isEmpty()) {
      env.put(SidecarConfig.envOfKey("model"), settings.model());
    }
    if (!settings.modelVersion().isEmpty()) {
      env.put(SidecarConfig.envOfKey("model.version"), settings.modelVersion());
    }
    if (!settings.protocol().isEmpty()) {
      env.put(SidecarConfig.envOfKey("protocol"), settings.protocol());
    }
    if (!settings.samplingRate().isEmpty()) {
      env.put(SidecarConfig.envOfKey("sampling.rate"), settings.samplingRate());
    }
    String otlp =
        settings.otlpEndpoint().isEmpty() ? config.sidecarOtlpEndpoint() : settings.otlpEndpoint();
    if (!otlp.isEmpty()) {
      env.put(SidecarConfig.envOfKey("otlp.endpoint"), otlp);
    }
    return env;
  }

  /** The container, for {@code sidecarEnvironment(modelPort, grpcPort, settings)}. */
  ObjectNode container(Map<String, String> sidecarEnvironment) {
    ObjectNode c = JSON.objectNode();
    c.put("name", CONTAINER);
    c.put("image", config.image());
    c.put("imagePullPolicy", config.imagePullPolicy());
    c.putArray("args").add("sidecar");

    ArrayNode env = c.putArray("env");
    sidecarEnvironment.forEach(
        (name, value) -> env.addObject().put("name", name).put("value", value));
    if (!config.javaOpts().isEmpty()) {
      env.addObject().put("name", JAVA_OPTS_ENV).put("value", config.javaOpts());
    }

    ArrayNode ports = c.putArray("ports");
    ports
        .addObject()
        .put("name", PROXY_PORT)
        .put("containerPort", config.sidecarListenPort())
        .put("protocol", "TCP");
    ports
        .addObject()
        .put("name", ADMIN_PORT)
        .put("containerPort", config.sidecarAdminPort())
        .put("protocol", "TCP");

    ObjectNode resources = c.putObject("resources");
    putQuantities(resources, "requests", config.cpuRequest(), config.memoryRequest());
    putQuantities(resources, "limits", config.cpuLimit(), config.memoryLimit());

    // The JVM takes a few seconds to start: liveness waits for it, readiness gates traffic.
    c.set("livenessProbe", probe("/healthz/live", 10, 10, 3));
    c.set("readinessProbe", probe("/healthz/ready", 2, 5, 2));

    ObjectNode security = c.putObject("securityContext");
    security.put("runAsNonRoot", true);
    security.put("runAsUser", USER);
    security.put("runAsGroup", USER);
    security.put("readOnlyRootFilesystem", true);
    security.put("allowPrivilegeEscalation", false);
    security.putObject("capabilities").putArray("drop").add("ALL");
    // Required by the "restricted" Pod Security Standard when the pod does not set it.
    security.putObject("seccompProfile").put("type", "RuntimeDefault");

    // The root filesystem is read-only; the JVM and native compression libraries need a /tmp.
    c.putArray("volumeMounts").addObject().put("name", VOLUME).put("mountPath", "/tmp");
    c.put("terminationMessagePolicy", "FallbackToLogsOnError");
    return c;
  }

  /** The scratch volume mounted at {@code /tmp}. */
  ObjectNode volume() {
    ObjectNode v = JSON.objectNode();
    v.put("name", VOLUME);
    v.putObject("emptyDir").put("sizeLimit", "64Mi");
    return v;
  }

  private static void putQuantities(ObjectNode resources, String kind, String cpu, String memory) {
    if (cpu.isEmpty() && memory.isEmpty()) {
      return;
    }
    ObjectNode q = resources.putObject(kind);
    if (!cpu.isEmpty()) {
      q.put("cpu", cpu);
    }
    if (!memory.isEmpty()) {
      q.put("memory", memory);
    }
  }

  private static ObjectNode probe(String path, int initialDelay, int period, int failures) {
    ObjectNode p = JSON.objectNode();
    p.putObject("httpGet").put("path", path).put("port", ADMIN_PORT).put("scheme", "HTTP");
    p.put("initialDelaySeconds", initialDelay);
    p.put("periodSeconds", period);
    p.put("timeoutSeconds", 2);
    p.put("failureThreshold", failures);
    return p;
  }
}
