package io.driftwatch.sidecar;

import com.fasterxml.jackson.core.JsonPointer;
import io.driftwatch.sidecar.sched.CpuPriority;
import io.driftwatch.sidecar.tracing.OtlpSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The sidecar's whole configuration: immutable and validated when built, so a bad value fails at
 * start-up with {@code name: value (expected: …)} and never later.
 *
 * <p>Three ways to build one: {@link #builder()} in code; {@link #fromProperties} from {@code
 * key=value} pairs (the keys in {@link #KEYS}, plus {@code kafka.producer.*}); {@link
 * #fromEnvironment} from {@code DRIFTWATCH_SIDECAR_*} variables ({@code listen.port} ↔ {@code
 * DRIFTWATCH_SIDECAR_LISTEN_PORT}). Unknown keys are rejected.
 *
 * @param upstream the model server, {@code http://host:port}; no path
 * @param upstreamGrpc where HTTP/2 (gRPC) connections to the proxy port go, {@code
 *     http://host:port} (cleartext h2c); null sends them to {@code upstream}
 * @param listenHost the address the proxy binds
 * @param listenPort the proxy port; 0 for a free one (see {@link SidecarServer#port()})
 * @param adminHost the address of {@code /metrics} and the health endpoints
 * @param adminPort their port; 0 for a free one (see {@link SidecarServer#adminPort()})
 * @param kafkaBootstrapServers {@code host:port[,host:port…]}
 * @param topic where prediction records go
 * @param model the model name to record instead of the one the request names; empty for none
 * @param modelVersion the model version to record instead of the request's; empty for none
 * @param maxCaptureBytes the most bytes of each body (request, response) copied for capture;
 *     records of longer bodies are marked truncated. Memory: up to twice this per in-flight request
 * @param captureQueueRecords the most captured exchanges waiting for the capture worker
 * @param captureQueueBytes the most bytes those exchanges may hold
 * @param capturePriority how the capture worker competes with the proxy for CPU, one of {@link
 *     #CAPTURE_CPU_PRIORITIES}: {@code IDLE} (Linux {@code SCHED_IDLE}) takes only what the proxy
 *     leaves, see {@link CpuPriority}
 * @param samplingRate the fraction of successful predictions captured, by prediction id hash;
 *     errors (status ≥ 400) are always captured
 * @param upstreamConnectTimeout how long a connect to the model server may take before a 502
 * @param upstreamReadTimeout the longest wait between two reads from the model server once a
 *     request has been sent (nginx {@code proxy_read_timeout}): a model silent for longer gets the
 *     client a 504, or its connection closed when the response had begun. Tokens of a stream that
 *     keep coming never trip it
 * @param upstreamKeepaliveTimeout how long an idle connection to the model server is kept for the
 *     next request of any client (nginx's upstream {@code keepalive_timeout}); set it below the
 *     model server's own idle timeout, so that the server does not close one as it is reused
 * @param clientReadTimeout the longest a client may take to send a request head on a new
 *     connection, or leave between two reads of a request body (nginx {@code
 *     client_header_timeout}, {@code client_body_timeout}); then a 408, or the connection closed
 * @param clientSendTimeout the longest a client may take nothing of a response the proxy holds for
 *     it (nginx {@code send_timeout}): the proxy stops reading the model while a client does not
 *     read, so without it a client that never reads would hold both connections for ever; then both
 *     are closed
 * @param clientIdleTimeout how long a kept-alive client connection may wait, without a request in
 *     flight, for the next one before it is closed (nginx {@code keepalive_timeout})
 * @param readinessProbeInterval how often {@code GET /v2/health/ready} is asked of the model
 *     server; zero turns the probe off (ready means the proxy is bound)
 * @param shutdownTimeout how long {@link SidecarServer#close()} waits for in-flight requests and
 *     for Kafka to take what is captured; the rest is counted dropped ({@code reason=shutdown})
 * @param ioThreads proxy event loop threads; 0 for one per available processor
 * @param ioTransport the proxy's socket transport: one of {@link #IO_TRANSPORTS}; {@code auto} is
 *     epoll where Netty's native library loads, else NIO. One asked for and not available here (an
 *     io_uring the kernel or a seccomp profile refuses) falls back to {@code auto} with a warning
 * @param ioCpuPriority how the proxy's event loops compete for CPU, one of {@link
 *     #IO_CPU_PRIORITIES}: {@code BATCH} (Linux {@code SCHED_BATCH}) does not preempt the thread on
 *     its core when it wakes, see {@link CpuPriority}
 * @param protocol which serving protocols are captured: one of {@link #PROTOCOLS}; {@code auto}
 *     reads KServe v2, KServe v1 and OpenAI calls, each recognised by its path
 * @param genericPaths with {@code generic-json}: the path prefixes of the POST requests captured
 * @param genericFeatures with {@code generic-json}: feature name → JSON pointer into the request
 * @param genericOutputs with {@code generic-json}: output name → JSON pointer into the response
 * @param redactFields feature and output names removed from records before they leave the pod
 * @param hashFields feature and output names whose values are replaced by the hex SHA-256 of the
 *     salt followed by the value's text, before records leave the pod
 * @param hashSalt the salt of {@code hashFields}; printed as {@code ***}
 * @param labelsTopic where {@code POST /v1/labels} sends label records
 * @param labelsQueueRecords the most labels waiting for Kafka; more are refused with a 503
 * @param ingestMaxBytes the largest body {@code /v1/labels} and {@code /v1/cloudevents} accept
 * @param cloudEventsPairTimeout how long a KServe logger event waits for its other half (request or
 *     response) before it is captured alone
 * @param cloudEventsPendingRecords the most events waiting for their other half; beyond it the
 *     oldest is captured alone
 * @param cloudEventsPendingBytes the most bytes those events may hold; same policy
 * @param producerOverrides Kafka producer settings that replace the sidecar's defaults
 * @param otlp span export over OTLP; off unless its endpoint is set ({@link OtlpSettings})
 */
public record SidecarConfig(
    URI upstream,
    URI upstreamGrpc,
    String listenHost,
    int listenPort,
    String adminHost,
    int adminPort,
    String kafkaBootstrapServers,
    String topic,
    String model,
    String modelVersion,
    int maxCaptureBytes,
    int captureQueueRecords,
    long captureQueueBytes,
    CpuPriority capturePriority,
    double samplingRate,
    Duration upstreamConnectTimeout,
    Duration upstreamReadTimeout,
    Duration upstreamKeepaliveTimeout,
    Duration clientReadTimeout,
    Duration clientSendTimeout,
    Duration clientIdleTimeout,
    Duration readinessProbeInterval,
    Duration shutdownTimeout,
    int ioThreads,
    String ioTransport,
    CpuPriority ioCpuPriority,
    String protocol,
    List<String> genericPaths,
    Map<String, String> genericFeatures,
    Map<String, String> genericOutputs,
    List<String> redactFields,
    List<String> hashFields,
    Salt hashSalt,
    String labelsTopic,
    int labelsQueueRecords,
    int ingestMaxBytes,
    Duration cloudEventsPairTimeout,
    int cloudEventsPendingRecords,
    long cloudEventsPendingBytes,
    Map<String, String> producerOverrides,
    OtlpSettings otlp) {

  /** The default topic, shared with the stream job. */
  public static final String DEFAULT_TOPIC = "driftwatch.predictions";

  /** The prefix of producer override keys, e.g. {@code kafka.producer.linger.ms}. */
  public static final String PRODUCER_PREFIX = "kafka.producer.";

  /** The default topic of label records, shared with the stream job. */
  public static final String DEFAULT_LABELS_TOPIC = "driftwatch.labels";

  /** The values of {@code io.transport}. */
  public static final List<String> IO_TRANSPORTS = List.of("auto", "epoll", "io_uring", "nio");

  /** The values of {@code capture.cpu.priority}. */
  public static final List<CpuPriority> CAPTURE_CPU_PRIORITIES =
      List.of(CpuPriority.IDLE, CpuPriority.NORMAL);

  /** The values of {@code io.cpu.priority}. */
  public static final List<CpuPriority> IO_CPU_PRIORITIES =
      List.of(CpuPriority.BATCH, CpuPriority.NORMAL);

  /** The values of {@code protocol}. */
  public static final List<String> PROTOCOLS =
      List.of("auto", "kserve-v2", "kserve-v1", "openai", "generic-json");

  /** The prefix of environment variables, e.g. {@code DRIFTWATCH_SIDECAR_LISTEN_PORT}. */
  public static final String ENV_PREFIX = "DRIFTWATCH_SIDECAR_";

  /** Every key, with its default and meaning: the source of the table in docs/operations.md. */
  public static final List<Key> KEYS =
      List.of(
          new Key("upstream", "http://127.0.0.1:8080", "The model server, http://host:port."),
          new Key("listen.host", "0.0.0.0", "Address the proxy binds."),
          new Key("listen.port", "8081", "Proxy port; 0 picks a free one."),
          new Key("admin.host", "0.0.0.0", "Address of /metrics, /healthz/live, /healthz/ready."),
          new Key("admin.port", "9091", "Admin port; 0 picks a free one."),
          new Key("kafka.bootstrap.servers", "127.0.0.1:9092", "Kafka brokers, host:port[,…]."),
          new Key("topic", DEFAULT_TOPIC, "Topic of prediction records."),
          new Key("model", "", "Model name to record; empty: from the path or the response."),
          new Key("model.version", "", "Model version to record; empty: from path or response."),
          new Key("capture.max.bytes", "65536", "Bytes of each body copied; more is truncated."),
          new Key("capture.queue.records", "10000", "Captured exchanges that may wait."),
          new Key("capture.queue.bytes", "67108864", "Bytes captured exchanges may hold."),
          new Key(
              "capture.cpu.priority",
              "idle",
              "`idle`: capture (and its Kafka producer) runs on CPU the proxy leaves (Linux"
                  + " `SCHED_IDLE`); `normal`: shares the CPU with the proxy."),
          new Key("sampling.rate", "1.0", "Fraction of successes captured; errors always are."),
          new Key("upstream.connect.timeout.ms", "2000", "Connect timeout to the model server."),
          new Key(
              "upstream.read.timeout.ms",
              "60000",
              "Longest silence of the model server between two reads; then 504 (gRPC: per stream, then"
                  + " `DEADLINE_EXCEEDED`, or a reset once the response began)."),
          new Key(
              "upstream.keepalive.timeout.ms",
              "4000",
              "How long an idle connection to the model server is kept for reuse by any client;"
                  + " keep it below the server's own idle timeout (uvicorn: 5 s)."),
          new Key(
              "client.read.timeout.ms",
              "60000",
              "Time for a request head, or between two reads of a body; then 408. For h2c (gRPC):"
                  + " time for the HTTP/2 preface."),
          new Key(
              "client.send.timeout.ms",
              "60000",
              "Longest a client may take none of a response the proxy holds for it; then both"
                  + " connections close (HTTP/1.1)."),
          new Key(
              "client.idle.timeout.ms",
              "75000",
              "Kept-alive client connection idle; then closed (gRPC: an h2c connection with no open"
                  + " stream, closed with a GOAWAY)."),
          new Key(
              "upstream.grpc",
              "",
              "Where gRPC (HTTP/2) calls go, http://host:port; empty: upstream."),
          new Key("readiness.probe.interval.ms", "5000", "Model readiness probe period; 0: off."),
          new Key("shutdown.timeout.ms", "10000", "Drain time on shutdown before dropping."),
          new Key("io.threads", "0", "Proxy event loop threads; 0: one per processor."),
          new Key(
              "io.transport",
              "auto",
              "Proxy socket transport: `auto` (epoll, else NIO), `epoll`, `io_uring` or `nio`; one"
                  + " not available here falls back to `auto` with a warning."),
          new Key(
              "io.cpu.priority",
              "batch",
              "`batch`: the proxy's event loops, woken, do not preempt the thread on their core"
                  + " (Linux `SCHED_BATCH`; same CPU share); `normal`: they do."),
          new Key(
              "protocol",
              "auto",
              "Captured protocol: auto, kserve-v2, kserve-v1, openai or generic-json; auto: by"
                  + " path."),
          new Key("generic.paths", "/", "generic-json: path prefixes of the POSTs captured."),
          new Key(
              "generic.features",
              "",
              "generic-json: request fields, [name=]/json/pointer, comma-separated."),
          new Key(
              "generic.outputs",
              "",
              "generic-json: response fields, [name=]/json/pointer, comma-separated."),
          new Key("redact.fields", "", "Feature/output names removed before records leave."),
          new Key("hash.fields", "", "Feature/output names replaced by salted SHA-256 hex."),
          new Key("hash.salt", "", "Salt prepended to values of hash.fields; keep it secret."),
          new Key("labels.topic", DEFAULT_LABELS_TOPIC, "Topic of label records (/v1/labels)."),
          new Key("labels.queue.records", "10000", "Labels that may wait for Kafka; more: 503."),
          new Key("ingest.max.bytes", "1048576", "Largest body of /v1/labels and /v1/cloudevents."),
          new Key(
              "cloudevents.pair.timeout.ms",
              "30000",
              "Wait for the other half of a KServe logger event."),
          new Key(
              "cloudevents.pending.records", "10000", "Logger events that may wait for a pair."),
          new Key("cloudevents.pending.bytes", "33554432", "Bytes logger events waiting may hold."),
          new Key(
              "otlp.endpoint",
              "",
              "OTLP/HTTP collector base URL (/v1/traces is appended); empty: no tracing."),
          new Key(
              "otlp.protocol", OtlpSettings.HTTP_PROTOBUF, "OTLP transport; only http/protobuf."),
          new Key("otlp.headers", "", "Headers of each span export, key=value,…; kept secret."),
          new Key("otlp.timeout.ms", "10000", "Time one span export may take before it fails."),
          new Key(
              "otlp.queue.spans", "2048", "Ended spans that may wait for export; more: dropped."),
          new Key("otlp.batch.delay.ms", "5000", "Longest wait of an ended span for its export."),
          new Key("otlp.resource.attributes", "", "Resource attributes of the spans, key=value,…."),
          new Key("service.name", OtlpSettings.DEFAULT_SERVICE_NAME, "service.name of the spans."));

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Set<String> RESERVED_PRODUCER_KEYS =
      Set.of("bootstrap.servers", "key.serializer", "value.serializer");
  private static final int MAX_CAPTURE_BYTES_LIMIT = 64 * 1024 * 1024;

  public SidecarConfig {
    upstream = checkUpstream("upstream", upstream);
    upstreamGrpc = upstreamGrpc == null ? null : checkUpstream("upstreamGrpc", upstreamGrpc);
    listenHost = checkHost("listenHost", listenHost);
    checkPort("listenPort", listenPort);
    adminHost = checkHost("adminHost", adminHost);
    checkPort("adminPort", adminPort);
    kafkaBootstrapServers = checkBootstrap(kafkaBootstrapServers);
    if (topic == null
        || !TOPIC.matcher(topic).matches()
        || topic.equals(".")
        || topic.equals("..")) {
      throw invalid("topic", topic, "1 to 249 of a-z A-Z 0-9 . _ -, not . or ..");
    }
    model = model == null ? "" : model.trim();
    modelVersion = modelVersion == null ? "" : modelVersion.trim();
    if (maxCaptureBytes < 0 || maxCaptureBytes > MAX_CAPTURE_BYTES_LIMIT) {
      throw invalid("maxCaptureBytes", maxCaptureBytes, "0 to " + MAX_CAPTURE_BYTES_LIMIT);
    }
    if (captureQueueRecords < 1) {
      throw invalid("captureQueueRecords", captureQueueRecords, ">= 1");
    }
    long oneExchange = 2L * maxCaptureBytes + 512;
    if (captureQueueBytes < oneExchange) {
      throw invalid(
          "captureQueueBytes",
          captureQueueBytes,
          ">= " + oneExchange + ", room for one exchange of 2 x maxCaptureBytes + 512");
    }
    if (capturePriority == null || !CAPTURE_CPU_PRIORITIES.contains(capturePriority)) {
      throw invalid("capturePriority", capturePriority, names(CAPTURE_CPU_PRIORITIES));
    }
    if (!(samplingRate >= 0.0 && samplingRate <= 1.0)) {
      throw invalid("samplingRate", samplingRate, "0 <= rate <= 1");
    }
    if (upstreamConnectTimeout == null
        || upstreamConnectTimeout.isNegative()
        || upstreamConnectTimeout.isZero()) {
      throw invalid("upstreamConnectTimeout", upstreamConnectTimeout, "> 0");
    }
    checkPositive("upstreamReadTimeout", upstreamReadTimeout);
    checkPositive("upstreamKeepaliveTimeout", upstreamKeepaliveTimeout);
    checkPositive("clientReadTimeout", clientReadTimeout);
    checkPositive("clientSendTimeout", clientSendTimeout);
    checkPositive("clientIdleTimeout", clientIdleTimeout);
    if (readinessProbeInterval == null || readinessProbeInterval.isNegative()) {
      throw invalid("readinessProbeInterval", readinessProbeInterval, ">= 0; 0 turns it off");
    }
    if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
      throw invalid("shutdownTimeout", shutdownTimeout, ">= 0");
    }
    if (ioThreads < 0) {
      throw invalid("ioThreads", ioThreads, ">= 0; 0 for one per processor");
    }
    if (ioTransport == null || !IO_TRANSPORTS.contains(ioTransport.trim())) {
      throw invalid("ioTransport", ioTransport, String.join(", ", IO_TRANSPORTS));
    }
    ioTransport = ioTransport.trim();
    if (ioCpuPriority == null || !IO_CPU_PRIORITIES.contains(ioCpuPriority)) {
      throw invalid("ioCpuPriority", ioCpuPriority, names(IO_CPU_PRIORITIES));
    }
    if (protocol == null || !PROTOCOLS.contains(protocol.trim())) {
      throw invalid("protocol", protocol, String.join(", ", PROTOCOLS));
    }
    protocol = protocol.trim();
    genericPaths = checkPaths(genericPaths);
    genericFeatures = checkPointers("genericFeatures", genericFeatures);
    genericOutputs = checkPointers("genericOutputs", genericOutputs);
    boolean generic = protocol.equals("generic-json");
    if (generic && genericFeatures.isEmpty() && genericOutputs.isEmpty()) {
      throw invalid(
          "genericFeatures",
          "",
          "at least one feature or output pointer with protocol generic-json");
    }
    if (!generic && !(genericFeatures.isEmpty() && genericOutputs.isEmpty())) {
      throw invalid(
          "genericFeatures",
          genericFeatures.isEmpty() ? genericOutputs : genericFeatures,
          "no pointers unless protocol is generic-json (protocol is " + protocol + ")");
    }
    redactFields = checkNames("redactFields", redactFields);
    hashFields = checkNames("hashFields", hashFields);
    for (String name : hashFields) {
      if (redactFields.contains(name)) {
        throw invalid("hashFields", name, "a field that is not also in redactFields");
      }
    }
    hashSalt = hashSalt == null ? new Salt("") : hashSalt;
    if (labelsTopic == null
        || !TOPIC.matcher(labelsTopic).matches()
        || labelsTopic.equals(".")
        || labelsTopic.equals("..")) {
      throw invalid("labelsTopic", labelsTopic, "1 to 249 of a-z A-Z 0-9 . _ -, not . or ..");
    }
    if (labelsQueueRecords < 1) {
      throw invalid("labelsQueueRecords", labelsQueueRecords, ">= 1");
    }
    if (ingestMaxBytes < 1024 || ingestMaxBytes > MAX_CAPTURE_BYTES_LIMIT) {
      throw invalid("ingestMaxBytes", ingestMaxBytes, "1024 to " + MAX_CAPTURE_BYTES_LIMIT);
    }
    if (cloudEventsPairTimeout == null
        || cloudEventsPairTimeout.isNegative()
        || cloudEventsPairTimeout.isZero()) {
      throw invalid("cloudEventsPairTimeout", cloudEventsPairTimeout, "> 0");
    }
    if (cloudEventsPendingRecords < 1) {
      throw invalid("cloudEventsPendingRecords", cloudEventsPendingRecords, ">= 1");
    }
    long oneEvent = (long) maxCaptureBytes + 512;
    if (cloudEventsPendingBytes < oneEvent) {
      throw invalid(
          "cloudEventsPendingBytes",
          cloudEventsPendingBytes,
          ">= " + oneEvent + ", room for one event of maxCaptureBytes + 512");
    }
    producerOverrides = checkOverrides(producerOverrides);
    otlp = otlp == null ? OtlpSettings.OFF : otlp;
  }

  /**
   * A secret that must not appear in logs: {@link #toString()} prints {@code ***} (or nothing when
   * empty).
   *
   * @param value the secret itself
   */
  public record Salt(String value) {
    public Salt {
      value = value == null ? "" : value;
    }

    @Override
    public String toString() {
      return value.isEmpty() ? "" : "***";
    }
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configuration with every default. */
  public static SidecarConfig defaults() {
    return builder().build();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Reads {@code key=value} pairs: the keys of {@link #KEYS} and {@code kafka.producer.<name>}.
   * Absent keys keep their defaults.
   *
   * @throws IllegalArgumentException for an unknown key or a bad value, naming both
   */
  public static SidecarConfig fromProperties(Map<String, String> properties) {
    Builder b = builder();
    for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
      b.set(e.getKey(), e.getValue());
    }
    return b.build();
  }

  /**
   * Reads the {@code DRIFTWATCH_SIDECAR_*} entries of an environment (e.g. {@code
   * System.getenv()}): the rest of the name, lower-cased with {@code _} read as {@code .}, is the
   * key. Other variables are ignored.
   *
   * @throws IllegalArgumentException for an unknown key or a bad value, naming the variable
   */
  public static SidecarConfig fromEnvironment(Map<String, String> environment) {
    Builder b = builder();
    for (Map.Entry<String, String> e : new TreeMap<>(OtlpSettings.STANDARD_ENV).entrySet()) {
      String value = environment.get(e.getKey());
      if (value != null && !environment.containsKey(envOfKey(e.getValue()))) {
        try {
          b.set(e.getValue(), value);
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException(e.getKey() + " → " + ex.getMessage(), ex);
        }
      }
    }
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX)) {
        continue;
      }
      String key = keyOfEnv(e.getKey());
      try {
        b.set(key, e.getValue());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(e.getKey() + " → " + ex.getMessage(), ex);
      }
    }
    return b.build();
  }

  /** The configuration key an environment variable maps to. */
  public static String keyOfEnv(String variable) {
    return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** The environment variable of a configuration key. */
  public static String envOfKey(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private static URI checkUpstream(String name, URI upstream) {
    String expected = "http://host:port with no path, query or user info";
    if (upstream == null
        || !"http".equalsIgnoreCase(upstream.getScheme())
        || upstream.getHost() == null
        || upstream.getUserInfo() != null
        || upstream.getQuery() != null
        || upstream.getFragment() != null
        || !(upstream.getPath() == null
            || upstream.getPath().isEmpty()
            || upstream.getPath().equals("/"))) {
      throw invalid(name, upstream, expected);
    }
    if (upstream.getPort() > 65535) {
      throw invalid(name, upstream, expected);
    }
    return upstream;
  }

  /** The host of HTTP/2 (gRPC) calls: {@code upstream.grpc}'s, else the upstream's. */
  public String upstreamGrpcHost() {
    return upstreamGrpc == null ? upstreamHost() : hostOf(upstreamGrpc);
  }

  /**
   * The port of HTTP/2 (gRPC) calls: {@code upstream.grpc}'s (80 when it names none), else the
   * upstream's.
   */
  public int upstreamGrpcPort() {
    if (upstreamGrpc == null) {
      return upstreamPort();
    }
    return upstreamGrpc.getPort() < 0 ? 80 : upstreamGrpc.getPort();
  }

  /** The upstream port, 80 when the URI names none. */
  public int upstreamPort() {
    return upstream.getPort() < 0 ? 80 : upstream.getPort();
  }

  /** The upstream host without IPv6 brackets. */
  public String upstreamHost() {
    return hostOf(upstream);
  }

  private static String hostOf(URI uri) {
    String host = uri.getHost();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String checkHost(String name, String host) {
    if (host == null || host.isBlank()) {
      throw invalid(name, host, "a host name or address, e.g. 0.0.0.0");
    }
    return host.trim();
  }

  private static void checkPositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw invalid(name, d, "> 0");
    }
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw invalid(name, port, "0 to 65535; 0 for a free port");
    }
  }

  private static String checkBootstrap(String servers) {
    String expected = "host:port[,host:port...]";
    if (servers == null || servers.isBlank()) {
      throw invalid("kafkaBootstrapServers", servers, expected);
    }
    for (String server : servers.split(",")) {
      String s = server.trim();
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw invalid("kafkaBootstrapServers", servers, expected);
      }
      try {
        int port = Integer.parseInt(s.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw invalid("kafkaBootstrapServers", servers, expected);
        }
      } catch (NumberFormatException e) {
        throw invalid("kafkaBootstrapServers", servers, expected);
      }
    }
    return servers.trim();
  }

  private static Map<String, String> checkOverrides(Map<String, String> overrides) {
    if (overrides == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isBlank() || e.getValue() == null) {
        throw invalid("producerOverrides", overrides, "non-empty keys and values");
      }
      if (RESERVED_PRODUCER_KEYS.contains(key)) {
        throw invalid(
            "producerOverrides",
            key,
            "none of "
                + new TreeSet<>(RESERVED_PRODUCER_KEYS)
                + "; the brokers have their own key");
      }
      out.put(key, e.getValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static List<String> checkPaths(List<String> paths) {
    if (paths == null || paths.isEmpty()) {
      throw invalid("genericPaths", paths, "at least one path prefix, e.g. /");
    }
    for (String p : paths) {
      if (p == null || !p.startsWith("/") || p.chars().anyMatch(c -> c <= ' ' || c == '?')) {
        throw invalid("genericPaths", paths, "path prefixes starting with /, e.g. /predict");
      }
    }
    return List.copyOf(paths);
  }

  private static Map<String, String> checkPointers(String name, Map<String, String> pointers) {
    if (pointers == null) {
      return Map.of();
    }
    for (Map.Entry<String, String> e : pointers.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank()) {
        throw invalid(name, pointers, "non-empty names");
      }
      checkPointer(name, e.getValue());
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(pointers));
  }

  private static void checkPointer(String name, String pointer) {
    String expected = "a JSON pointer (RFC 6901) such as /inputs/0/age";
    if (pointer == null || !pointer.startsWith("/")) {
      throw invalid(name, pointer, expected);
    }
    try {
      JsonPointer.compile(pointer);
    } catch (IllegalArgumentException e) {
      throw invalid(name, pointer, expected);
    }
  }

  private static List<String> checkNames(String name, List<String> names) {
    if (names == null) {
      return List.of();
    }
    Set<String> seen = new TreeSet<>();
    for (String n : names) {
      if (n == null || n.isBlank() || !seen.add(n)) {
        throw invalid(name, names, "distinct, non-empty feature or output names");
      }
    }
    return List.copyOf(names);
  }

  /**
   * Reads a {@code generic.features} / {@code generic.outputs} value: comma-separated {@code
   * name=/pointer} or {@code /pointer} entries; a bare pointer is named by its last segment.
   *
   * @throws IllegalArgumentException for a bad pointer or a name given twice
   */
  static Map<String, String> parsePointers(String key, String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String entry : splitList(text)) {
      int eq = entry.indexOf('=');
      String name;
      String pointer;
      if (eq > 0 && !entry.startsWith("/")) {
        name = entry.substring(0, eq).trim();
        pointer = entry.substring(eq + 1).trim();
      } else {
        pointer = entry;
        checkPointer(key, pointer);
        name = JsonPointer.compile(pointer).last().getMatchingProperty();
      }
      checkPointer(key, pointer);
      if (name.isEmpty() || out.put(name, pointer) != null) {
        throw invalid(key, text, "distinct non-empty names, [name=]/pointer,…");
      }
    }
    return out;
  }

  /** The trimmed, non-empty items of a comma-separated list. */
  static List<String> splitList(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    for (String item : text.split(",")) {
      String t = item.trim();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static IllegalArgumentException invalid(String name, Object value, String expected) {
    return new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
  }

  /** The configuration values of some priorities, for an error message: {@code idle, normal}. */
  private static String names(List<CpuPriority> priorities) {
    return String.join(", ", priorities.stream().map(CpuPriority::value).toList());
  }

  /**
   * One configuration key.
   *
   * @param name the key, e.g. {@code listen.port}
   * @param defaultValue its default as text
   * @param doc what it does, one line
   */
  public record Key(String name, String defaultValue, String doc) {
    /** The environment variable that sets it, e.g. {@code DRIFTWATCH_SIDECAR_LISTEN_PORT}. */
    public String env() {
      return envOfKey(name);
    }
  }

  /** Builds a {@link SidecarConfig}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private URI upstream = URI.create("http://127.0.0.1:8080");
    private URI upstreamGrpc;
    private String listenHost = "0.0.0.0";
    private int listenPort = 8081;
    private String adminHost = "0.0.0.0";
    private int adminPort = 9091;
    private String kafkaBootstrapServers = "127.0.0.1:9092";
    private String topic = DEFAULT_TOPIC;
    private String model = "";
    private String modelVersion = "";
    private int maxCaptureBytes = 64 * 1024;
    private int captureQueueRecords = 10_000;
    private long captureQueueBytes = 64L * 1024 * 1024;
    private CpuPriority capturePriority = CpuPriority.IDLE;
    private double samplingRate = 1.0;
    private Duration upstreamConnectTimeout = Duration.ofSeconds(2);
    private Duration upstreamReadTimeout = Duration.ofSeconds(60);
    private Duration upstreamKeepaliveTimeout = Duration.ofSeconds(4);
    private Duration clientReadTimeout = Duration.ofSeconds(60);
    private Duration clientSendTimeout = Duration.ofSeconds(60);
    private Duration clientIdleTimeout = Duration.ofSeconds(75);
    private Duration readinessProbeInterval = Duration.ofSeconds(5);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private int ioThreads = 0;
    private String ioTransport = "auto";
    private CpuPriority ioCpuPriority = CpuPriority.BATCH;
    private String protocol = "auto";
    private List<String> genericPaths = List.of("/");
    private Map<String, String> genericFeatures = Map.of();
    private Map<String, String> genericOutputs = Map.of();
    private List<String> redactFields = List.of();
    private List<String> hashFields = List.of();
    private Salt hashSalt = new Salt("");
    private String labelsTopic = DEFAULT_LABELS_TOPIC;
    private int labelsQueueRecords = 10_000;
    private int ingestMaxBytes = 1024 * 1024;
    private Duration cloudEventsPairTimeout = Duration.ofSeconds(30);
    private int cloudEventsPendingRecords = 10_000;
    private long cloudEventsPendingBytes = 32L * 1024 * 1024;
    private final Map<String, String> producerOverrides = new LinkedHashMap<>();
    private OtlpSettings otlp = OtlpSettings.OFF;

    private Builder() {}

    private Builder(SidecarConfig c) {
      upstream = c.upstream;
      upstreamGrpc = c.upstreamGrpc;
      listenHost = c.listenHost;
      listenPort = c.listenPort;
      adminHost = c.adminHost;
      adminPort = c.adminPort;
      kafkaBootstrapServers = c.kafkaBootstrapServers;
      topic = c.topic;
      model = c.model;
      modelVersion = c.modelVersion;
      maxCaptureBytes = c.maxCaptureBytes;
      captureQueueRecords = c.captureQueueRecords;
      captureQueueBytes = c.captureQueueBytes;
      capturePriority = c.capturePriority;
      samplingRate = c.samplingRate;
      upstreamConnectTimeout = c.upstreamConnectTimeout;
      upstreamReadTimeout = c.upstreamReadTimeout;
      upstreamKeepaliveTimeout = c.upstreamKeepaliveTimeout;
      clientReadTimeout = c.clientReadTimeout;
      clientSendTimeout = c.clientSendTimeout;
      clientIdleTimeout = c.clientIdleTimeout;
      readinessProbeInterval = c.readinessProbeInterval;
      shutdownTimeout = c.shutdownTimeout;
      ioThreads = c.ioThreads;
      ioTransport = c.ioTransport;
      ioCpuPriority = c.ioCpuPriority;
      protocol = c.protocol;
      genericPaths = c.genericPaths;
      genericFeatures = c.genericFeatures;
      genericOutputs = c.genericOutputs;
      redactFields = c.redactFields;
      hashFields = c.hashFields;
      hashSalt = c.hashSalt;
      labelsTopic = c.labelsTopic;
      labelsQueueRecords = c.labelsQueueRecords;
      ingestMaxBytes = c.ingestMaxBytes;
      cloudEventsPairTimeout = c.cloudEventsPairTimeout;
      cloudEventsPendingRecords = c.cloudEventsPendingRecords;
      cloudEventsPendingBytes = c.cloudEventsPendingBytes;
      producerOverrides.putAll(c.producerOverrides);
      otlp = c.otlp;
    }

    public Builder upstream(URI v) {
      upstream = v;
      return this;
    }

    /** The model server as text, e.g. {@code http://127.0.0.1:8080}. */
    public Builder upstream(String v) {
      try {
        upstream = new URI(v);
      } catch (URISyntaxException | NullPointerException e) {
        throw invalid("upstream", v, "http://host:port");
      }
      return this;
    }

    /** Where HTTP/2 (gRPC) calls go; null for the upstream. */
    public Builder upstreamGrpc(URI v) {
      upstreamGrpc = v;
      return this;
    }

    /**
     * Where HTTP/2 (gRPC) calls go as text, e.g. {@code http://127.0.0.1:8001}; empty for upstream.
     */
    public Builder upstreamGrpc(String v) {
      if (v != null && v.isBlank()) {
        upstreamGrpc = null;
        return this;
      }
      try {
        upstreamGrpc = new URI(v);
      } catch (URISyntaxException | NullPointerException e) {
        throw invalid("upstreamGrpc", v, "http://host:port");
      }
      return this;
    }

    public Builder listenHost(String v) {
      listenHost = v;
      return this;
    }

    public Builder listenPort(int v) {
      listenPort = v;
      return this;
    }

    public Builder adminHost(String v) {
      adminHost = v;
      return this;
    }

    public Builder adminPort(int v) {
      adminPort = v;
      return this;
    }

    public Builder kafkaBootstrapServers(String v) {
      kafkaBootstrapServers = v;
      return this;
    }

    public Builder topic(String v) {
      topic = v;
      return this;
    }

    public Builder model(String v) {
      model = v;
      return this;
    }

    public Builder modelVersion(String v) {
      modelVersion = v;
      return this;
    }

    public Builder maxCaptureBytes(int v) {
      maxCaptureBytes = v;
      return this;
    }

    public Builder captureQueueRecords(int v) {
      captureQueueRecords = v;
      return this;
    }

    public Builder captureQueueBytes(long v) {
      captureQueueBytes = v;
      return this;
    }

    /** How the capture worker competes with the proxy for CPU: {@link #CAPTURE_CPU_PRIORITIES}. */
    public Builder capturePriority(CpuPriority v) {
      capturePriority = v;
      return this;
    }

    public Builder samplingRate(double v) {
      samplingRate = v;
      return this;
    }

    public Builder upstreamConnectTimeout(Duration v) {
      upstreamConnectTimeout = v;
      return this;
    }

    public Builder upstreamReadTimeout(Duration v) {
      upstreamReadTimeout = v;
      return this;
    }

    public Builder upstreamKeepaliveTimeout(Duration v) {
      upstreamKeepaliveTimeout = v;
      return this;
    }

    public Builder clientReadTimeout(Duration v) {
      clientReadTimeout = v;
      return this;
    }

    /** How long a client may take nothing of a response held for it (nginx send_timeout). */
    public Builder clientSendTimeout(Duration v) {
      clientSendTimeout = v;
      return this;
    }

    public Builder clientIdleTimeout(Duration v) {
      clientIdleTimeout = v;
      return this;
    }

    public Builder readinessProbeInterval(Duration v) {
      readinessProbeInterval = v;
      return this;
    }

    public Builder shutdownTimeout(Duration v) {
      shutdownTimeout = v;
      return this;
    }

    public Builder ioThreads(int v) {
      ioThreads = v;
      return this;
    }

    /** One of {@link #IO_TRANSPORTS}. */
    public Builder ioTransport(String v) {
      ioTransport = v;
      return this;
    }

    /** How the proxy's event loops compete for CPU: one of {@link #IO_CPU_PRIORITIES}. */
    public Builder ioCpuPriority(CpuPriority v) {
      ioCpuPriority = v;
      return this;
    }

    /** One of {@link #PROTOCOLS}. */
    public Builder protocol(String v) {
      protocol = v;
      return this;
    }

    /** Path prefixes captured with {@code generic-json}, e.g. {@code /predict}. */
    public Builder genericPaths(List<String> v) {
      genericPaths = v;
      return this;
    }

    /** Feature name → JSON pointer into the request, with {@code generic-json}. */
    public Builder genericFeatures(Map<String, String> v) {
      genericFeatures = v;
      return this;
    }

    /** Output name → JSON pointer into the response, with {@code generic-json}. */
    public Builder genericOutputs(Map<String, String> v) {
      genericOutputs = v;
      return this;
    }

    public Builder redactFields(List<String> v) {
      redactFields = v;
      return this;
    }

    public Builder hashFields(List<String> v) {
      hashFields = v;
      return this;
    }

    public Builder hashSalt(String v) {
      hashSalt = new Salt(v);
      return this;
    }

    public Builder labelsTopic(String v) {
      labelsTopic = v;
      return this;
    }

    public Builder labelsQueueRecords(int v) {
      labelsQueueRecords = v;
      return this;
    }

    public Builder ingestMaxBytes(int v) {
      ingestMaxBytes = v;
      return this;
    }

    public Builder cloudEventsPairTimeout(Duration v) {
      cloudEventsPairTimeout = v;
      return this;
    }

    public Builder cloudEventsPendingRecords(int v) {
      cloudEventsPendingRecords = v;
      return this;
    }

    public Builder cloudEventsPendingBytes(long v) {
      cloudEventsPendingBytes = v;
      return this;
    }

    /** Span export over OTLP; {@link OtlpSettings#OFF} for none. */
    public Builder otlp(OtlpSettings v) {
      otlp = v;
      return this;
    }

    /** Sets one producer setting, e.g. {@code ("linger.ms", "20")}. */
    public Builder producerOverride(String key, String value) {
      producerOverrides.put(key, value);
      return this;
    }

    /**
     * Sets a key of {@link #KEYS} or {@code kafka.producer.<name>} from text.
     *
     * @throws IllegalArgumentException for an unknown key or a value of the wrong type
     */
    public Builder set(String key, String value) {
      if (value == null) {
        throw invalid(key, null, "a value");
      }
      String v = value.trim();
      if (key.startsWith(PRODUCER_PREFIX) && key.length() > PRODUCER_PREFIX.length()) {
        return producerOverride(key.substring(PRODUCER_PREFIX.length()), v);
      }
      return switch (key) {
        case "upstream" -> upstream(v);
        case "upstream.grpc" -> upstreamGrpc(v);
        case "listen.host" -> listenHost(v);
        case "listen.port" -> listenPort(toInt(key, v));
        case "admin.host" -> adminHost(v);
        case "admin.port" -> adminPort(toInt(key, v));
        case "kafka.bootstrap.servers" -> kafkaBootstrapServers(v);
        case "topic" -> topic(v);
        case "model" -> model(v);
        case "model.version" -> modelVersion(v);
        case "capture.max.bytes" -> maxCaptureBytes(toInt(key, v));
        case "capture.queue.records" -> captureQueueRecords(toInt(key, v));
        case "capture.queue.bytes" -> captureQueueBytes(toLong(key, v));
        case "capture.cpu.priority" -> capturePriority(toPriority(key, v, CAPTURE_CPU_PRIORITIES));
        case "sampling.rate" -> samplingRate(toDouble(key, v));
        case "upstream.connect.timeout.ms" -> upstreamConnectTimeout(toMillis(key, v));
        case "upstream.read.timeout.ms" -> upstreamReadTimeout(toMillis(key, v));
        case "upstream.keepalive.timeout.ms" -> upstreamKeepaliveTimeout(toMillis(key, v));
        case "client.read.timeout.ms" -> clientReadTimeout(toMillis(key, v));
        case "client.send.timeout.ms" -> clientSendTimeout(toMillis(key, v));
        case "client.idle.timeout.ms" -> clientIdleTimeout(toMillis(key, v));
        case "readiness.probe.interval.ms" -> readinessProbeInterval(toMillis(key, v));
        case "shutdown.timeout.ms" -> shutdownTimeout(toMillis(key, v));
        case "io.threads" -> ioThreads(toInt(key, v));
        case "io.transport" -> ioTransport(oneOf(key, v, IO_TRANSPORTS));
        case "io.cpu.priority" -> ioCpuPriority(toPriority(key, v, IO_CPU_PRIORITIES));
        case "protocol" -> protocol(v);
        case "generic.paths" -> genericPaths(splitList(v));
        case "generic.features" -> genericFeatures(parsePointers(key, v));
        case "generic.outputs" -> genericOutputs(parsePointers(key, v));
        case "redact.fields" -> redactFields(splitList(v));
        case "hash.fields" -> hashFields(splitList(v));
        case "hash.salt" -> hashSalt(value);
        case "labels.topic" -> labelsTopic(v);
        case "labels.queue.records" -> labelsQueueRecords(toInt(key, v));
        case "ingest.max.bytes" -> ingestMaxBytes(toInt(key, v));
        case "cloudevents.pair.timeout.ms" -> cloudEventsPairTimeout(toMillis(key, v));
        case "cloudevents.pending.records" -> cloudEventsPendingRecords(toInt(key, v));
        case "cloudevents.pending.bytes" -> cloudEventsPendingBytes(toLong(key, v));
        case "otlp.endpoint",
            "otlp.protocol",
            "otlp.headers",
            "otlp.timeout.ms",
            "otlp.queue.spans",
            "otlp.batch.delay.ms",
            "otlp.resource.attributes",
            "service.name" ->
            otlp((otlp == null ? OtlpSettings.OFF : otlp).with(key, v));
        default -> throw invalid("key", key, "one of " + keyNames() + " or kafka.producer.<name>");
      };
    }

    /** Validates and builds. */
    public SidecarConfig build() {
      return new SidecarConfig(
          upstream,
          upstreamGrpc,
          listenHost,
          listenPort,
          adminHost,
          adminPort,
          kafkaBootstrapServers,
          topic,
          model,
          modelVersion,
          maxCaptureBytes,
          captureQueueRecords,
          captureQueueBytes,
          capturePriority,
          samplingRate,
          upstreamConnectTimeout,
          upstreamReadTimeout,
          upstreamKeepaliveTimeout,
          clientReadTimeout,
          clientSendTimeout,
          clientIdleTimeout,
          readinessProbeInterval,
          shutdownTimeout,
          ioThreads,
          ioTransport,
          ioCpuPriority,
          protocol,
          genericPaths,
          genericFeatures,
          genericOutputs,
          redactFields,
          hashFields,
          hashSalt,
          labelsTopic,
          labelsQueueRecords,
          ingestMaxBytes,
          cloudEventsPairTimeout,
          cloudEventsPendingRecords,
          cloudEventsPendingBytes,
          producerOverrides,
          otlp);
    }

    private static List<String> keyNames() {
      List<String> names = new ArrayList<>();
      for (Key k : KEYS) {
        names.add(k.name());
      }
      return names;
    }

    private static CpuPriority toPriority(String key, String v, List<CpuPriority> allowed) {
      CpuPriority p = CpuPriority.parse(v);
      // List.of refuses to look for null.
      if (p == null || !allowed.contains(p)) {
        throw invalid(key, v, names(allowed));
      }
      return p;
    }

    private static String oneOf(String key, String v, List<String> values) {
      if (!values.contains(v.trim())) {
        throw invalid(key, v, String.join(", ", values));
      }
      return v.trim();
    }

    private static int toInt(String key, String v) {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw invalid(key, v, "an integer");
      }
    }

    private static long toLong(String key, String v) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw invalid(key, v, "an integer");
      }
    }

    private static double toDouble(String key, String v) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw invalid(key, v, "a number");
      }
    }

    private static Duration toMillis(String key, String v) {
      return Duration.ofMillis(toLong(key, v));
    }
  }
}
