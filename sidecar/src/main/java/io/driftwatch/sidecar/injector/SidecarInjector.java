package io.driftwatch.sidecar.injector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftwatch.sidecar.SidecarConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for one pod being created, whether the sidecar is added and with which JSON Patch. Pure:
 * pod JSON in, {@link Decision} out; it never throws for odd input and never blocks a pod — a pod
 * it cannot inject safely is left as it is, with a warning saying why.
 *
 * <p>The patch only adds (the sidecar container, its {@code /tmp} volume, a {@code
 * driftwatch.io/status} annotation), creating {@code containers}, {@code volumes} or {@code
 * annotations} when the pod has none. One case also replaces: a model port the user named {@code
 * driftwatch} is renamed {@code dw-model} so the sidecar's proxy port can take the name, and probes
 * or hooks that named it get the number instead — see docs/injector.md, "How traffic reaches the
 * sidecar".
 */
final class SidecarInjector {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String PREFIX = "driftwatch: sidecar not injected: ";

  /** Container port names taken as the model's gRPC port when no annotation says otherwise. */
  static final Set<String> GRPC_PORT_NAMES = Set.of("grpc", "h2c");

  private final InjectorConfig config;
  private final SidecarTemplate template;

  SidecarInjector(InjectorConfig config) {
    this.config = config;
    this.template = new SidecarTemplate(config);
  }

  /** What happened to a pod. */
  enum Outcome {
    /** The patch adds the sidecar. */
    INJECTED,
    /** Not asked for: no {@code driftwatch.io/inject: "true"}, or not a pod creation. */
    NOT_REQUESTED,
    /** Asked for, but a container named {@code driftwatch-sidecar} is already there. */
    ALREADY_INJECTED,
    /** Asked for, but not safe or not valid; the warnings say why. */
    REFUSED
  }

  /**
   * The decision on one pod.
   *
   * @param outcome what happened
   * @param patch the JSON Patch (RFC 6902) to apply; {@code null} unless {@link Outcome#INJECTED}
   * @param warnings for the user, each a short line of printable ASCII; may accompany any outcome
   */
  record Decision(Outcome outcome, ArrayNode patch, List<String> warnings) {
    Decision {
      warnings = List.copyOf(warnings);
    }

    static Decision of(Outcome outcome) {
      return new Decision(outcome, null, List.of());
    }
  }

  /** Decides on a pod being created: the {@code object} of its AdmissionReview request. */
  Decision decide(JsonNode pod) {
    JsonNode annotations = pod.path("metadata").path("annotations");
    if (!annotations.isObject()) {
      return Decision.of(Outcome.NOT_REQUESTED);
    }
    List<String> warnings = new ArrayList<>();
    Annotations.unknown(annotations, warnings);
    switch (Annotations.request(annotations)) {
      case ABSENT, NO:
        return new Decision(Outcome.NOT_REQUESTED, null, warnings);
      case INVALID:
        return refuse(warnings, List.of(Annotations.injectProblem(annotations)));
      case INJECT:
        break;
    }

    JsonNode spec = pod.get("spec");
    if (spec == null || !spec.isObject()) {
      return refuse(warnings, List.of("the pod has no spec"));
    }
    JsonNode containers = spec.path("containers");
    JsonNode initContainers = spec.path("initContainers");
    JsonNode volumes = spec.path("volumes");
    List<String> problems = new ArrayList<>();
    checkArray("spec.containers", containers, problems);
    checkArray("spec.initContainers", initContainers, problems);
    checkArray("spec.volumes", volumes, problems);
    if (!problems.isEmpty()) {
      return refuse(warnings, problems);
    }
    if (hasNamed(containers, SidecarTemplate.CONTAINER)
        || hasNamed(initContainers, SidecarTemplate.CONTAINER)) {
      return new Decision(Outcome.ALREADY_INJECTED, null, warnings);
    }
    if (spec.path("hostNetwork").asBoolean(false)) {
      return refuse(
          warnings, List.of("hostNetwork pods share the node's ports; the sidecar needs its own"));
    }

    Annotations.Settings settings = Annotations.settings(annotations, problems);
    Annotations.PortRef ref = Annotations.port(annotations, problems);
    Annotations.PortRef grpcRef = Annotations.grpcPort(annotations, problems);
    if (!problems.isEmpty()) {
      return refuse(warnings, problems);
    }
    List<Port> ports = declaredPorts(containers, "/spec/containers");
    Port model = modelPort(ref, ports, problems);
    if (model == null) {
      return refuse(warnings, problems);
    }
    int grpc = grpcPort(grpcRef, ports, problems);
    checkCollisions(model, ports, declaredPorts(initContainers, "/spec/initContainers"), problems);
    if (hasNamed(volumes, SidecarTemplate.VOLUME)) {
      problems.add("a volume is already named " + SidecarTemplate.VOLUME);
    }
    if (!problems.isEmpty()) {
      return refuse(warnings, problems);
    }

    Map<String, String> env = template.sidecarEnvironment(model.number(), grpc, settings);
    try {
      // Never inject a sidecar that would refuse its own configuration and crash-loop.
      SidecarConfig.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      return refuse(
          warnings, List.of("the sidecar would refuse its configuration: " + e.getMessage()));
    }

    ArrayNode patch = JSON.arrayNode();
    handOverPortName(model, containers, initContainers, patch);
    appendTo(volumes, "/spec/volumes", template.volume(), patch);
    appendTo(containers, "/spec/containers", template.container(env), patch);
    patch
        .addObject()
        .put("op", "add")
        .put("path", "/metadata/annotations/" + escape(Annotations.STATUS))
        .put("value", "injected");
    return new Decision(Outcome.INJECTED, patch, warnings);
  }

  private static Decision refuse(List<String> warnings, List<String> problems) {
    List<String> all = new ArrayList<>(warnings);
    for (String p : problems) {
      all.add(PREFIX + p);
    }
    return new Decision(Outcome.REFUSED, null, all);
  }

  private static void checkArray(String name, JsonNode node, List<String> problems) {
    if (!node.isMissingNode() && !node.isNull() && !node.isArray()) {
      problems.add(name + " is not a list");
    }
  }

  private static boolean hasNamed(JsonNode list, String name) {
    for (JsonNode item : list) {
      if (name.equals(item.path("name").asText(null))) {
        return true;
      }
    }
    return false;
  }

  /** A declared container port and where it is in the pod. */
  private record Port(int number, String name, String protocol, String pointer) {}

  private static List<Port> declaredPorts(JsonNode containers, String base) {
    List<Port> out = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      JsonNode ports = containers.get(i).path("ports");
      for (int j = 0; j < ports.size(); j++) {
        JsonNode p = ports.get(j);
        int number = p.path("containerPort").asInt(0);
        if (number > 0) {
          out.add(
              new Port(
                  number,
                  p.path("name").asText(""),
                  p.path("protocol").asText("TCP"),
                  base + "/" + i + "/ports/" + j));
        }
      }
    }
    return out;
  }

  /**
   * The model server's port: the annotation's number or name; else the port named {@code
   * driftwatch}; else the one TCP port the containers declare.
   */
  private static Port modelPort(Annotations.PortRef ref, List<Port> ports, List<String> problems) {
    Port named = null;
    for (Port p : ports) {
      if (SidecarTemplate.PROXY_PORT.equals(p.name())) {
        named = p;
      }
    }
    Port chosen;
    if (ref != null && ref.name() != null) {
      chosen = ports.stream().filter(p -> ref.name().equals(p.name())).findFirst().orElse(null);
      if (chosen == null) {
        problems.add(
            Annotations.PORT + ": " + ref.name() + " (expected: the name of a container port)");
        return null;
      }
    } else if (ref != null) {
      chosen =
          ports.stream()
              .filter(p -> p.number() == ref.number())
              .findFirst()
              .orElse(new Port(ref.number(), "", "TCP", null));
    } else if (named != null) {
      chosen = named;
    } else {
      List<Port> tcp = ports.stream().filter(p -> "TCP".equals(p.protocol())).toList();
      if (tcp.size() != 1) {
        problems.add(
            Annotations.PORT
                + " is missing and the containers declare "
                + tcp.size()
                + " TCP ports (expected: the annotation, or the model's port named "
                + SidecarTemplate.PROXY_PORT
                + ")");
        return null;
      }
      chosen = tcp.get(0);
    }
    if (!"TCP".equals(chosen.protocol())) {
      problems.add(Annotations.PORT + ": " + chosen.number() + " (expected: a TCP port)");
      return null;
    }
    if (named != null && named.number() != chosen.number()) {
      problems.add(
          Annotations.PORT
              + ": "
              + chosen.number()
              + " (expected: "
              + named.number()
              + ", the port named "
              + SidecarTemplate.PROXY_PORT
              + ")");
      return null;
    }
    return named != null ? named : chosen;
  }

  /**
   * The model server's gRPC port: the annotation's number or name; else the first TCP port named
   * {@code grpc} or {@code h2c}; else 0, none. A problem is added when the annotation names no
   * container port, or names a port that is not TCP or is the sidecar's.
   */
  private int grpcPort(Annotations.PortRef ref, List<Port> ports, List<String> problems) {
    if (ref == null) {
      for (Port p : ports) {
        if (GRPC_PORT_NAMES.contains(p.name()) && "TCP".equals(p.protocol())) {
          return p.number();
        }
      }
      return 0;
    }
    Port chosen;
    if (ref.name() != null) {
      chosen = ports.stream().filter(p -> ref.name().equals(p.name())).findFirst().orElse(null);
      if (chosen == null) {
        problems.add(
            Annotations.GRPC_PORT
                + ": "
                + ref.name()
                + " (expected: the name of a container port)");
        return 0;
      }
    } else {
      chosen =
          ports.stream()
              .filter(p -> p.number() == ref.number())
              .findFirst()
              .orElse(new Port(ref.number(), "", "TCP", null));
    }
    if (!"TCP".equals(chosen.protocol())) {
      problems.add(Annotations.GRPC_PORT + ": " + chosen.number() + " (expected: a TCP port)");
      return 0;
    }
    if (chosen.number() == config.sidecarListenPort()
        || chosen.number() == config.sidecarAdminPort()) {
      problems.add(
          Annotations.GRPC_PORT
              + ": "
              + chosen.number()
              + " (expected: not a port of the sidecar)");
      return 0;
    }
    return chosen.number();
  }

  private void checkCollisions(
      Port model, List<Port> ports, List<Port> initPorts, List<String> problems) {
    Set<Integer> ours = Set.of(config.sidecarListenPort(), config.sidecarAdminPort());
    if (ours.contains(model.number())) {
      problems.add(
          Annotations.PORT + ": " + model.number() + " (expected: not a port of the sidecar)");
      return;
    }
    List<Port> all = new ArrayList<>(ports);
    all.addAll(initPorts);
    for (Port p : all) {
      if (ours.contains(p.number())) {
        problems.add(
            "port "
                + p.number()
                + " is declared by another container; the sidecar needs it"
                + " (set the injector's sidecar ports)");
      }
      if (SidecarTemplate.ADMIN_PORT.equals(p.name())
          || SidecarTemplate.MODEL_PORT.equals(p.name())
          || (SidecarTemplate.PROXY_PORT.equals(p.name())
              && !p.pointer().equals(model.pointer()))) {
        problems.add("the port name " + p.name() + " is taken; the sidecar needs it");
      }
    }
  }

  /**
   * When the model's port is named {@code driftwatch}, renames it {@code dw-model} and makes probes
   * and lifecycle hooks that named it use its number, so they keep reaching the model directly.
   */
  private static void handOverPortName(
      Port model, JsonNode containers, JsonNode initContainers, ArrayNode patch) {
    if (!SidecarTemplate.PROXY_PORT.equals(model.name()) || model.pointer() == null) {
      return;
    }
    patch
        .addObject()
        .put("op", "replace")
        .put("path", model.pointer() + "/name")
        .put("value", SidecarTemplate.MODEL_PORT);
    renamePortReferences(containers, "/spec/containers", model.number(), patch);
    renamePortReferences(initContainers, "/spec/initContainers", model.number(), patch);
  }

  private static void renamePortReferences(
      JsonNode containers, String base, int number, ArrayNode patch) {
    for (int i = 0; i < containers.size(); i++) {
      JsonNode c = containers.get(i);
      String at = base + "/" + i;
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        renameHandler(c.path(probe), at + "/" + probe, number, patch);
      }
      for (String hook : List.of("postStart", "preStop")) {
        renameHandler(c.path("lifecycle").path(hook), at + "/lifecycle/" + hook, number, patch);
      }
    }
  }

  private static void renameHandler(JsonNode handler, String at, int number, ArrayNode patch) {
    for (String kind : List.of("httpGet", "tcpSocket")) {
      JsonNode port = handler.path(kind).path("port");
      if (port.isTextual() && SidecarTemplate.PROXY_PORT.equals(port.asText())) {
        patch
            .addObject()
            .put("op", "replace")
            .put("path", at + "/" + kind + "/port")
            .put("value", number);
      }
    }
  }

  private static void appendTo(JsonNode list, String path, ObjectNode item, ArrayNode patch) {
    ObjectNode op = patch.addObject().put("op", "add");
    if (list.isArray()) {
      op.put("path", path + "/-").set("value", item);
    } else {
      // "add" needs the parent to exist: create the list with the item in it.
      op.put("path", path).set("value", JSON.arrayNode().add(item));
    }
  }

  /** A JSON Pointer (RFC 6901) reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
