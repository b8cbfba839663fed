package io.driftwatch.sidecar.injector;

import io.driftwatch.sidecar.SidecarConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The injector's whole configuration: where the webhook listens, its TLS files, and the sidecar it
 * adds to pods (image, Kafka, ports, resources). Immutable and validated when built, so a bad value
 * fails at start-up with {@code name: value (expected: …)}, never as a broken pod later.
 *
 * <p>Three ways to build one: {@link #builder()} in code; {@link #fromProperties} from the keys in
 * {@link #KEYS}; {@link #fromEnvironment} from {@code DRIFTWATCH_INJECTOR_*} variables ({@code
 * sidecar.listen.port} ↔ {@code DRIFTWATCH_INJECTOR_SIDECAR_LISTEN_PORT}). Unknown keys are
 * rejected. {@code image} and {@code kafka.bootstrap.servers} have no default.
 *
 * @param listenHost the address the HTTPS server binds
 * @param listenPort its port; 0 for a free one (see {@link InjectorServer#port()})
 * @param tlsCert PEM file with the serving certificate, then any intermediates ({@code tls.crt} of
 *     a cert-manager Secret)
 * @param tlsKey PEM file with its private key: PKCS#1, SEC1 or unencrypted PKCS#8 ({@code tls.key})
 * @param tlsReloadInterval how often, at most, the two files are re-read so a renewed certificate
 *     is served without a restart; zero never re-reads
 * @param maxRequestBytes the largest AdmissionReview body accepted; larger ones get 413
 * @param image the sidecar's container image; its entrypoint is the {@code driftwatch} command
 * @param imagePullPolicy {@code Always}, {@code IfNotPresent} or {@code Never}
 * @param kafkaBootstrapServers the Kafka brokers the sidecars send to, {@code host:port[,…]}
 * @param sidecarListenPort the port the injected proxy listens on (named {@code driftwatch})
 * @param sidecarAdminPort the injected sidecar's {@code /metrics} and health port ({@code
 *     dw-admin})
 * @param cpuRequest the sidecar's CPU request, a Kubernetes quantity; empty for none
 * @param memoryRequest its memory request; empty for none
 * @param cpuLimit its CPU limit; empty for none
 * @param memoryLimit its memory limit; empty for none
 * @param javaOpts JVM options for the sidecar ({@code DRIFTWATCH_JAVA_OPTS}); must fit the memory
 *     limit
 * @param sidecarOtlpEndpoint the OTLP endpoint the sidecars export spans to ({@code
 *     DRIFTWATCH_SIDECAR_OTLP_ENDPOINT}); empty for none (tracing off unless a pod's {@code
 *     driftwatch.io/otlp-endpoint} sets one)
 */
public record InjectorConfig(
    String listenHost,
    int listenPort,
    Path tlsCert,
    Path tlsKey,
    Duration tlsReloadInterval,
    int maxRequestBytes,
    String image,
    String imagePullPolicy,
    String kafkaBootstrapServers,
    int sidecarListenPort,
    int sidecarAdminPort,
    String cpuRequest,
    String memoryRequest,
    String cpuLimit,
    String memoryLimit,
    String javaOpts,
    String sidecarOtlpEndpoint) {

  /** The prefix of environment variables, e.g. {@code DRIFTWATCH_INJECTOR_IMAGE}. */
  public static final String ENV_PREFIX = "DRIFTWATCH_INJECTOR_";

  /** Every key, with its default and meaning: the source of the table in docs/injector.md. */
  public static final List<Key> KEYS =
      List.of(
          new Key("listen.host", "0.0.0.0", "Address the HTTPS webhook binds."),
          new Key("listen.port", "8443", "Webhook port; 0 picks a free one."),
          new Key("tls.cert", "/etc/driftwatch/tls/tls.crt", "PEM certificate (chain) served."),
          new Key(
              "tls.key", "/etc/driftwatch/tls/tls.key", "PEM private key (PKCS#1/SEC1/PKCS#8)."),
          new Key("tls.reload.interval.ms", "30000", "Re-read the TLS files this often; 0: never."),
          new Key("max.request.bytes", "2097152", "Largest AdmissionReview accepted; more: 413."),
          new Key("image", "", "Sidecar image (required); its entrypoint is `driftwatch`."),
          new Key("image.pull.policy", "IfNotPresent", "Always, IfNotPresent or Never."),
          new Key("kafka.bootstrap.servers", "", "Kafka brokers for the sidecars (required)."),
          new Key("sidecar.listen.port", "8081", "Proxy port of the sidecar (port `driftwatch`)."),
          new Key("sidecar.admin.port", "9091", "Metrics/health port of the sidecar (`dw-admin`)."),
          new Key("cpu.request", "100m", "Sidecar CPU request; empty: none."),
          new Key("memory.request", "256Mi", "Sidecar memory request; empty: none."),
          new Key("cpu.limit", "2", "Sidecar CPU limit; empty: none."),
          new Key("memory.limit", "512Mi", "Sidecar memory limit; empty: none."),
          new Key(
              "java.opts",
              "-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError",
              "Sidecar JVM options (DRIFTWATCH_JAVA_OPTS)."),
          new Key(
              "sidecar.otlp.endpoint",
              "",
              "OTLP endpoint the sidecars export spans to; empty: none."));

  /** The keys without a default that must be set. */
  private static final Set<String> REQUIRED = Set.of("image", "kafka.bootstrap.servers");

  private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
  private static final Pattern IMAGE = Pattern.compile("[^\\s]{1,4096}");
  private static final int MIN_REQUEST_BYTES = 4 * 1024;
  private static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

  public InjectorConfig {
    listenHost = checkText("listenHost", listenHost, "a host name or address, e.g. 0.0.0.0");
    checkPort("listenPort", listenPort, 0);
    if (tlsCert == null) {
      throw invalid("tlsCert", null, "a PEM file");
    }
    if (tlsKey == null) {
      throw invalid("tlsKey", null, "a PEM file");
    }
    if (tlsReloadInterval == null || tlsReloadInterval.isNegative()) {
      throw invalid("tlsReloadInterval", tlsReloadInterval, ">= 0; 0 never re-reads");
    }
    if (maxRequestBytes < MIN_REQUEST_BYTES || maxRequestBytes > MAX_REQUEST_BYTES) {
      throw invalid(
          "maxRequestBytes", maxRequestBytes, MIN_REQUEST_BYTES + " to " + MAX_REQUEST_BYTES);
    }
    if (image == null || !IMAGE.matcher(image.trim()).matches()) {
      throw invalid("image", image, "a container image without spaces, e.g. registry/driftwatch:1");
    }
    image = image.trim();
    if (imagePullPolicy == null || !PULL_POLICIES.contains(imagePullPolicy.trim())) {
      throw invalid("imagePullPolicy", imagePullPolicy, "Always, IfNotPresent or Never");
    }
    imagePullPolicy = imagePullPolicy.trim();
    checkPort("sidecarListenPort", sidecarListenPort, 1);
    checkPort("sidecarAdminPort", sidecarAdminPort, 1);
    if (sidecarListenPort == sidecarAdminPort) {
      throw invalid("sidecarAdminPort", sidecarAdminPort, "a port other than sidecarListenPort");
    }
    cpuRequest = Quantity.check("cpuRequest", cpuRequest);
    memoryRequest = Quantity.check("memoryRequest", memoryRequest);
    cpuLimit = Quantity.check("cpuLimit", cpuLimit);
    memoryLimit = Quantity.check("memoryLimit", memoryLimit);
    // The API server rejects a pod whose request exceeds its limit, so this must fail here.
    Quantity.checkNotAbove("cpuRequest", cpuRequest, "cpuLimit", cpuLimit);
    Quantity.checkNotAbove("memoryRequest", memoryRequest, "memoryLimit", memoryLimit);
    javaOpts = javaOpts == null ? "" : javaOpts.trim();
    if (kafkaBootstrapServers == null || kafkaBootstrapServers.isBlank()) {
      throw invalid("kafkaBootstrapServers", kafkaBootstrapServers, "host:port[,host:port...]");
    }
    kafkaBootstrapServers = kafkaBootstrapServers.trim();
    sidecarOtlpEndpoint = sidecarOtlpEndpoint == null ? "" : sidecarOtlpEndpoint.trim();
    // The sidecar validates its own environment at start; refuse here what it would refuse there.
    Map<String, String> sidecarEnv = new LinkedHashMap<>();
    sidecarEnv.put(SidecarConfig.envOfKey("kafka.bootstrap.servers"), kafkaBootstrapServers);
    sidecarEnv.put(SidecarConfig.envOfKey("listen.port"), Integer.toString(sidecarListenPort));
    sidecarEnv.put(SidecarConfig.envOfKey("admin.port"), Integer.toString(sidecarAdminPort));
    if (!sidecarOtlpEndpoint.isEmpty()) {
      sidecarEnv.put(SidecarConfig.envOfKey("otlp.endpoint"), sidecarOtlpEndpoint);
    }
    try {
      SidecarConfig.fromEnvironment(sidecarEnv);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the sidecar would refuse this configuration: " + e.getMessage(), e);
    }
  }

  /** A builder holding every default; {@code image} and {@code kafka} must still be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Reads {@code key=value} pairs, the keys of {@link #KEYS}. Absent keys keep their defaults.
   *
   * @throws IllegalArgumentException for an unknown key or a bad value, naming both
   */
  public static InjectorConfig fromProperties(Map<String, String> properties) {
    Builder b = builder();
    for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
      b.set(e.getKey(), e.getValue());
    }
    return b.build();
  }

  /**
   * Reads the {@code DRIFTWATCH_INJECTOR_*} entries of an environment (e.g. {@code
   * System.getenv()}); other variables are ignored.
   *
   * @throws IllegalArgumentException for an unknown key or a bad value, naming the variable
   */
  public static InjectorConfig fromEnvironment(Map<String, String> environment) {
    return builderFromEnvironment(environment).build();
  }

  /**
   * A builder holding the {@code DRIFTWATCH_INJECTOR_*} entries of an environment, for a caller
   * that lets command-line options win over them.
   *
   * @throws IllegalArgumentException for an unknown key or a value of the wrong type
   */
  public static Builder builderFromEnvironment(Map<String, String> environment) {
    Builder b = builder();
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX)) {
        continue;
      }
      try {
        b.set(keyOfEnv(e.getKey()), e.getValue());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(e.getKey() + " → " + ex.getMessage(), ex);
      }
    }
    return b;
  }

  /** The configuration key an environment variable maps to. */
  public static String keyOfEnv(String variable) {
    return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** The environment variable of a configuration key. */
  public static String envOfKey(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private static String checkText(String name, String value, String expected) {
    if (value == null || value.isBlank()) {
      throw invalid(name, value, expected);
    }
    return value.trim();
  }

  private static void checkPort(String name, int port, int min) {
    if (port < min || port > 65535) {
      throw invalid(name, port, min + " to 65535" + (min == 0 ? "; 0 for a free port" : ""));
    }
  }

  static IllegalArgumentException invalid(String name, Object value, String expected) {
    return new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
  }

  /**
   * One configuration key.
   *
   * @param name the key, e.g. {@code sidecar.listen.port}
   * @param defaultValue its default as text; empty where there is none
   * @param doc what it does, one line
   */
  public record Key(String name, String defaultValue, String doc) {
    /** The environment variable that sets it, e.g. {@code DRIFTWATCH_INJECTOR_IMAGE}. */
    public String env() {
      return envOfKey(name);
    }

    /** Whether it has no default and must be set. */
    public boolean required() {
      return REQUIRED.contains(name);
    }
  }

  /** Builds an {@link InjectorConfig}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();

    private Builder() {
      for (Key k : KEYS) {
        values.put(k.name(), k.defaultValue());
      }
    }

    private Builder(InjectorConfig c) {
      listenHost(c.listenHost);
      listenPort(c.listenPort);
      tlsCert(c.tlsCert);
      tlsKey(c.tlsKey);
      tlsReloadInterval(c.tlsReloadInterval);
      maxRequestBytes(c.maxRequestBytes);
      image(c.image);
      imagePullPolicy(c.imagePullPolicy);
      kafkaBootstrapServers(c.kafkaBootstrapServers);
      sidecarListenPort(c.sidecarListenPort);
      sidecarAdminPort(c.sidecarAdminPort);
      cpuRequest(c.cpuRequest);
      memoryRequest(c.memoryRequest);
      cpuLimit(c.cpuLimit);
      memoryLimit(c.memoryLimit);
      javaOpts(c.javaOpts);
      sidecarOtlpEndpoint(c.sidecarOtlpEndpoint);
    }

    public Builder listenHost(String v) {
      return put("listen.host", v);
    }

    public Builder listenPort(int v) {
      return put("listen.port", Integer.toString(v));
    }

    public Builder tlsCert(Path v) {
      return put("tls.cert", v == null ? null : v.toString());
    }

    public Builder tlsKey(Path v) {
      return put("tls.key", v == null ? null : v.toString());
    }

    public Builder tlsReloadInterval(Duration v) {
      return put("tls.reload.interval.ms", v == null ? null : Long.toString(v.toMillis()));
    }

    public Builder maxRequestBytes(int v) {
      return put("max.request.bytes", Integer.toString(v));
    }

    public Builder image(String v) {
      return put("image", v);
    }

    public Builder imagePullPolicy(String v) {
      return put("image.pull.policy", v);
    }

    public Builder kafkaBootstrapServers(String v) {
      return put("kafka.bootstrap.servers", v);
    }

    public Builder sidecarListenPort(int v) {
      return put("sidecar.listen.port", Integer.toString(v));
    }

    public Builder sidecarAdminPort(int v) {
      return put("sidecar.admin.port", Integer.toString(v));
    }

    public Builder cpuRequest(String v) {
      return put("cpu.request", v);
    }

    public Builder memoryRequest(String v) {
      return put("memory.request", v);
    }

    public Builder cpuLimit(String v) {
      return put("cpu.limit", v);
    }

    public Builder memoryLimit(String v) {
      return put("memory.limit", v);
    }

    public Builder javaOpts(String v) {
      return put("java.opts", v);
    }

    public Builder sidecarOtlpEndpoint(String v) {
      return put("sidecar.otlp.endpoint", v);
    }

    /**
     * Sets a key of {@link #KEYS} from text; the value is checked by {@link #build()}.
     *
     * @throws IllegalArgumentException for an unknown key
     */
    public Builder set(String key, String value) {
      if (!values.containsKey(key)) {
        throw invalid("key", key, "one of " + keyNames());
      }
      return put(key, value);
    }

    private Builder put(String key, String value) {
      values.put(key, value);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first bad value
     */
    public InjectorConfig build() {
      return new InjectorConfig(
          values.get("listen.host"),
          toInt("listen.port"),
          toPath("tls.cert"),
          toPath("tls.key"),
          Duration.ofMillis(toLong("tls.reload.interval.ms")),
          toInt("max.request.bytes"),
          values.get("image"),
          values.get("image.pull.policy"),
          values.get("kafka.bootstrap.servers"),
          toInt("sidecar.listen.port"),
          toInt("sidecar.admin.port"),
          values.get("cpu.request"),
          values.get("memory.request"),
          values.get("cpu.limit"),
          values.get("memory.limit"),
          values.get("java.opts"),
          values.get("sidecar.otlp.endpoint"));
    }

    private static List<String> keyNames() {
      List<String> names = new ArrayList<>();
      for (Key k : KEYS) {
        names.add(k.name());
      }
      return names;
    }

    private Path toPath(String key) {
      String v = values.get(key);
      if (v == null || v.isBlank()) {
        throw invalid(key, v, "a file path");
      }
      return Path.of(v.trim());
    }

    private int toInt(String key) {
      String v = values.get(key);
      try {
        return Integer.parseInt(v == null ? "" : v.trim());
      } catch (NumberFormatException e) {
        throw invalid(key, v, "an integer");
      }
    }

    private long toLong(String key) {
      String v = values.get(key);
      try {
        return Long.parseLong(v == null ? "" : v.trim());
      } catch (NumberFormatException e) {
        throw invalid(key, v, "an integer");
      }
    }
  }
}
