package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import io.driftwatch.sidecar.capture.ListSink;
import io.driftwatch.sidecar.capture.oip.GRPCInferenceServiceGrpc;
import io.driftwatch.sidecar.capture.oip.InferTensorContents;
import io.driftwatch.sidecar.capture.oip.ModelInferRequest;
import io.driftwatch.sidecar.capture.oip.ModelInferResponse;
import io.driftwatch.sidecar.capture.oip.ModelMetadataRequest;
import io.driftwatch.sidecar.capture.oip.ModelReadyRequest;
import io.driftwatch.sidecar.capture.oip.ServerLiveRequest;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KServe v2 / Open Inference Protocol gRPC through the real proxy: a real grpc-java client calls a
 * real grpc-java server ({@link GrpcModelServer}) over h2c through the sidecar's one port, and the
 * records go to a list.
 */
class GrpcProxyIT {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final Metadata.Key<String> PREDICTION_ID =
      Metadata.Key.of("x-prediction-id", Metadata.ASCII_STRING_MARSHALLER);

  private static GrpcModelServer model;
  private static StubModelServer restModel;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void startModels() throws Exception {
    model = GrpcModelServer.start();
    restModel = StubModelServer.start();
  }

  @AfterAll
  static void stopModels() throws Exception {
    model.close();
    restModel.close();
  }

  @AfterEach
  void closeChannels() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static SidecarConfig.Builder config() {
    return SidecarConfig.builder()
        .upstream(restModel.uri())
        .upstreamGrpc("http://127.0.0.1:" + model.port())
        .listenHost("127.0.0.1")
        .listenPort(0)
        .adminHost("127.0.0.1")
        .adminPort(0)
        .readinessProbeInterval(Duration.ZERO)
        .shutdownTimeout(Duration.ofSeconds(2));
  }

  private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(int port) {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel(port))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private ManagedChannel channel(int port) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
    channels.add(channel);
    return channel;
  }

  private static Metadata metadata(String... pairs) {
    Metadata m = new Metadata();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(Metadata.Key.of(pairs[i], Metadata.ASCII_STRING_MARSHALLER), pairs[i + 1]);
    }
    return m;
  }

  private static ModelInferRequest.InferInputTensor.Builder tensor(
      String name, String datatype, long... shape) {
    ModelInferRequest.InferInputTensor.Builder t =
        ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
    for (long d : shape) {
      t.addShape(d);
    }
    return t;
  }

  private static ByteString littleEndian(int bytesPerValue, Number... values) {
    ByteBuffer b =
        ByteBuffer.allocate(bytesPerValue * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (Number v : values) {
      switch (bytesPerValue) {
        case 1 -> b.put(v.byteValue());
        case 4 -> {
          if (v instanceof Float f) {
            b.putFloat(f);
          } else {
            b.putInt(v.intValue());
          }
        }
        default -> b.putLong(v.longValue());
      }
    }
    return ByteString.copyFrom(b.array());
  }

  private static ByteString rawStrings(String... values) {
    ByteString.Output out = ByteString.newOutput();
    for (String v : values) {
      byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
      out.write(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array(), 0, 4);
      out.write(bytes, 0, bytes.length);
    }
    return out.toByteString();
  }

  private static List<PredictionRecord> records(ListSink sink, int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() >= n);
    assertThat(sink.records).hasSize(n);
    return sink.records;
  }

  private static double number(Map<String, Value> values, String name) {
    assertThat(values).containsKey(name);
    return values.get(name).getNumber();
  }

  @Test
  void typedContentsPassThroughUnchangedAndBecomeOneRecordPerRow() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config().build(), sink)) {
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName("credit")
              .setModelVersion("3")
              .setId("req-1")
              .addInputs(
                  tensor("age", "INT64", 2)
                      .setContents(
                          InferTensorContents.newBuilder()
                              .addInt64Contents(40)
                              .addInt64Contents(22)))
              .addInputs(
                  tensor("income", "FP32", 2, 1)
                      .setContents(
                          InferTensorContents.newBuilder()
                              .addFp32Contents(52000f)
                              .addFp32Contents(18000.5f)))
              .addInputs(
                  tensor("city", "BYTES", 2)
                      .setContents(
                          InferTensorContents.newBuilder()
                              .addBytesContents(ByteString.copyFromUtf8("Paris"))
                              .addBytesContents(ByteString.copyFromUtf8("Lyon"))))
              .addInputs(
                  tensor("owner", "BOOL", 2)
                      .setContents(
                          InferTensorContents.newBuilder()
                              .addBoolContents(true)
                              .addBoolContents(false)))
              .build();
      AtomicReference<Metadata> headers = new AtomicReference<>();
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      ModelInferResponse response =
          stub(sidecar.port())
              .withInterceptors(
                  MetadataUtils.newAttachHeadersInterceptor(
                      metadata("x-prediction-id", "grpc-typed", "traceparent", TRACEPARENT)),
                  MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
              .modelInfer(request);

      assertThat(response).isEqualTo(GrpcModelServer.credit(request));
      assertThat(headers.get().get(PREDICTION_ID)).isEqualTo("grpc-typed");
      assertThat(model.lastTraceparent).isEqualTo(TRACEPARENT);

      List<PredictionRecord> records = records(sink, 2);
      PredictionRecord first = records.get(0);
      assertThat(first.getPredictionId()).isEqualTo("grpc-typed/0");
      assertThat(records.get(1).getPredictionId()).isEqualTo("grpc-typed/1");
      assertThat(first.getProtocol()).isEqualTo(Protocol.KSERVE_V2_GRPC);
      assertThat(first.getModel()).isEqualTo("credit");
      assertThat(first.getModelVersion()).isEqualTo("3");
      assertThat(first.getStatusCode()).isEqualTo(200);
      assertThat(first.getGrpcStatus()).isZero();
      assertThat(first.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(first.getCaptureError()).isEmpty();
      assertThat(first.getTruncated()).isFalse();
      assertThat(first.getLatencyMicros()).isPositive();
      assertThat(first.getFeaturesMap()).containsOnlyKeys("age", "income", "city", "owner");
      assertThat(number(first.getFeaturesMap(), "age")).isEqualTo(40);
      assertThat(number(first.getFeaturesMap(), "income")).isEqualTo(52000);
      assertThat(first.getFeaturesMap().get("city").getText()).isEqualTo("Paris");
      assertThat(first.getFeaturesMap().get("owner").getFlag()).isTrue();
      assertThat(number(first.getOutputsMap(), "score")).isEqualTo(0.40);
      assertThat(first.getOutputsMap().get("label").getText()).isEqualTo("high");
      PredictionRecord second = records.get(1);
      assertThat(number(second.getFeaturesMap(), "income")).isEqualTo(18000.5);
      assertThat(second.getFeaturesMap().get("city").getText()).isEqualTo("Lyon");
      assertThat(second.getFeaturesMap().get("owner").getFlag()).isFalse();
      assertThat(number(second.getOutputsMap(), "score")).isEqualTo(0.22);
      assertThat(second.getOutputsMap().get("label").getText()).isEqualTo("low");
    }
  }

  @Test
  void rawContentsAreReadLittleEndian() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config().build(), sink)) {
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName("credit")
              .addInputs(tensor("age", "INT32", 2))
              .addInputs(tensor("embedding", "FP32", 2, 3))
              .addInputs(tensor("owner", "BOOL", 2))
              .addInputs(tensor("city", "BYTES", 2))
              .addInputs(tensor("visits", "INT64", 2, 1))
              .addRawInputContents(littleEndian(4, 35, 19))
              .addRawInputContents(littleEndian(4, 0.25f, -1.5f, 3f, 7f, 8f, 9.5f))
              .addRawInputContents(littleEndian(1, 0, 1))
              .addRawInputContents(rawStrings("Nice", "Zürich"))
              .addRawInputContents(littleEndian(8, 5_000_000_000L, -2L))
              .build();
      ModelInferResponse response = stub(sidecar.port()).modelInfer(request);
      assertThat(response).isEqualTo(GrpcModelServer.credit(request));
      assertThat(response.getRawOutputContentsCount()).isEqualTo(2);

      List<PredictionRecord> records = records(sink, 2);
      PredictionRecord first = records.get(0);
      PredictionRecord second = records.get(1);
      assertThat(first.getCaptureError()).isEmpty();
      assertThat(first.getModel()).isEqualTo("credit");
      assertThat(number(first.getFeaturesMap(), "age")).isEqualTo(35);
      assertThat(number(second.getFeaturesMap(), "age")).isEqualTo(19);
      assertThat(first.getFeaturesMap().get("embedding").getNumbers().getValuesList())
          .containsExactly(0.25, -1.5, 3.0);
      assertThat(second.getFeaturesMap().get("embedding").getNumbers().getValuesList())
          .containsExactly(7.0, 8.0, 9.5);
      assertThat(first.getFeaturesMap().get("owner").getFlag()).isFalse();
      assertThat(second.getFeaturesMap().get("owner").getFlag()).isTrue();
      assertThat(second.getFeaturesMap().get("city").getText()).isEqualTo("Zürich");
      assertThat(number(first.getFeaturesMap(), "visits")).isEqualTo(5_000_000_000.0);
      assertThat(number(second.getFeaturesMap(), "visits")).isEqualTo(-2);
      assertThat(number(first.getOutputsMap(), "score")).isEqualTo(0.35);
      assertThat(first.getOutputsMap().get("label").getText()).isEqualTo("high");
      assertThat(number(second.getOutputsMap(), "score")).isEqualTo(0.19);
      assertThat(second.getOutputsMap().get("label").getText()).isEqualTo("low");
    }
  }

  @Test
  void anErrorStatusReachesTheClientUnchangedAndIsAlwaysCaptured() throws Exception {
    ListSink sink = new ListSink();
    // Sampling nothing: only errors are captured.
    try (SidecarServer sidecar = SidecarServer.start(config().samplingRate(0.0).build(), sink)) {
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName("broken")
              .addInputs(
                  tensor("age", "INT64", 1)
                      .setContents(InferTensorContents.newBuilder().addInt64Contents(-4)))
              .build();
      AtomicReference<Metadata> headers = new AtomicReference<>();
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      assertThatThrownBy(
              () ->
                  stub(sidecar.port())
                      .withInterceptors(
                          MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                      .modelInfer(request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo(GrpcModelServer.BROKEN_MESSAGE);
              });
      // A successful call, sampled away, is not captured.
      ModelInferRequest ok =
          ModelInferRequest.newBuilder()
              .setModelName("credit")
              .addInputs(
                  tensor("age", "INT64", 1)
                      .setContents(InferTensorContents.newBuilder().addInt64Contents(50)))
              .build();
      assertThat(stub(sidecar.port()).modelInfer(ok)).isEqualTo(GrpcModelServer.credit(ok));

      PredictionRecord p = records(sink, 1).get(0);
      // Trailers-only answer: the generated id came back in its headers.
      String id = trailers.get().get(PREDICTION_ID);
      assertThat(id).isNotBlank();
      assertThat(p.getPredictionId()).isEqualTo(id);
      assertThat(p.getModel()).isEqualTo("broken");
      assertThat(p.getStatusCode()).isEqualTo(200);
      assertThat(p.getGrpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
      assertThat(p.getSamplingWeight()).isEqualTo(1.0);
      assertThat(p.getCaptureError())
          .isEqualTo("response: grpc-status 3 INVALID_ARGUMENT: " + GrpcModelServer.BROKEN_MESSAGE);
      assertThat(number(p.getFeaturesMap(), "age")).isEqualTo(-4);
      assertThat(p.getOutputsMap()).isEmpty();
    }
  }

  @Test
  void metadataAndTrailersPassThroughAndOtherMethodsAreNotCaptured() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config().build(), sink)) {
      var stub = stub(sidecar.port());
      assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
      assertThat(
              stub.modelReady(ModelReadyRequest.newBuilder().setName("credit").build()).getReady())
          .isTrue();
      assertThat(
              stub.modelReady(ModelReadyRequest.newBuilder().setName("other").build()).getReady())
          .isFalse();
      assertThat(
              stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("credit").build())
                  .getInputs(0)
                  .getName())
          .isEqualTo("age");

      AtomicReference<Metadata> headers = new AtomicReference<>();
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName("credit")
              .addInputs(
                  tensor("age", "INT64", 1)
                      .setContents(InferTensorContents.newBuilder().addInt64Contents(31)))
              .build();
      stub.withInterceptors(
              MetadataUtils.newAttachHeadersInterceptor(
                  metadata("x-test-echo", "hello", "x-request-id", "req-77")),
              MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
          .modelInfer(request);
      assertThat(headers.get().get(GrpcModelServer.ECHO)).isEqualTo("hello");
      assertThat(headers.get().get(PREDICTION_ID)).isEqualTo("req-77");
      assertThat(trailers.get().get(GrpcModelServer.TRAILER)).isEqualTo("done");

      // Exchanges are captured in order: the metadata calls before would be here first.
      PredictionRecord p = records(sink, 1).get(0);
      assertThat(p.getPredictionId()).isEqualTo("req-77");
      assertThat(number(p.getFeaturesMap(), "age")).isEqualTo(31);
    }
  }

  @Test
  void largeMessagesStreamThroughWhileCaptureKeepsOnlyItsLimit() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(config().maxCaptureBytes(64 * 1024).build(), sink)) {
      byte[] payload = new byte[6 * 1024 * 1024];
      new Random(42).nextBytes(payload);
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName("echo")
              .addInputs(tensor("image", "UINT8", 1, payload.length))
              .addRawInputContents(ByteString.copyFrom(payload))
              .build();
      var stub = stub(sidecar.port());
      ModelInferResponse response = stub.modelInfer(request);
      assertThat(response.getRawOutputContents(0).toByteArray()).isEqualTo(payload);
      // The same connection goes on serving after the big call.
      assertThat(stub.modelInfer(request).getRawOutputContents(0).size()).isEqualTo(payload.length);

      List<PredictionRecord> records = records(sink, 2);
      PredictionRecord p = records.get(0);
      assertThat(p.getTruncated()).isTrue();
      assertThat(p.getGrpcStatus()).isZero();
      assertThat(p.getCaptureError())
          .isEqualTo(
              "request: truncated at 65536 bytes, not read; response: truncated at 65536 bytes, not"
                  + " read");
    }
  }

  @Test
  void anUnreachableModelIsUnavailableAndCaptured() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(
            config().upstreamGrpc("http://127.0.0.1:" + closedPort).build(), sink)) {
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName("credit")
              .addInputs(
                  tensor("age", "INT64", 1)
                      .setContents(InferTensorContents.newBuilder().addInt64Contents(33)))
              .build();
      assertThatThrownBy(() -> stub(sidecar.port()).modelInfer(request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      PredictionRecord p = records(sink, 1).get(0);
      assertThat(p.getGrpcStatus()).isEqualTo(Status.Code.UNAVAILABLE.value());
      assertThat(p.getModel()).isEqualTo("credit");
      assertThat(p.getCaptureError()).startsWith("upstream: unreachable");
      assertThat(number(p.getFeaturesMap(), "age")).isEqualTo(33);
    }
  }

  @Test
  void http1AndGrpcShareThePort() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config().build(), sink)) {
      byte[] body = Http.infer("rest-1", 1);
      HttpResponse<byte[]> rest =
          Http.post(Http.local(sidecar.port()), "/v2/models/iris/infer", body);
      assertThat(rest.statusCode()).isEqualTo(200);
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName("credit")
              .addInputs(
                  tensor("age", "INT64", 1)
                      .setContents(InferTensorContents.newBuilder().addInt64Contents(29)))
              .build();
      assertThat(stub(sidecar.port()).modelInfer(request))
          .isEqualTo(GrpcModelServer.credit(request));
      List<PredictionRecord> records = records(sink, 2);
      assertThat(records)
          .extracting(PredictionRecord::getProtocol)
          .containsExactlyInAnyOrder(Protocol.KSERVE_V2_REST, Protocol.KSERVE_V2_GRPC);
    }
  }

  @Test
  void aSilentModelIsDeadlineExceededAfterTheReadTimeoutAndCaptured() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(config().upstreamReadTimeout(Duration.ofMillis(500)).build(), sink)) {
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName("silent")
              .addInputs(
                  tensor("age", "INT64", 1)
                      .setContents(InferTensorContents.newBuilder().addInt64Contents(44)))
              .build();
      // No client deadline: the sidecar's timeout ends the call.
      var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel(sidecar.port()));
      long start = System.nanoTime();
      assertThatThrownBy(() -> stub.modelInfer(request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo(
                        "driftwatch sidecar: upstream: timed out after 500 ms without a read");
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(450), Duration.ofSeconds(5));
      PredictionRecord p = records(sink, 1).get(0);
      assertThat(p.getGrpcStatus()).isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
      assertThat(p.getModel()).isEqualTo("silent");
      assertThat(p.getCaptureError()).startsWith("upstream: timed out after 500 ms");
      assertThat(number(p.getFeaturesMap(), "age")).isEqualTo(44);
      // The connection goes on serving.
      ModelInferRequest ok =
          ModelInferRequest.newBuilder()
              .setModelName("credit")
              .addInputs(
                  tensor("age", "INT64", 1)
                      .setContents(InferTensorContents.newBuilder().addInt64Contents(50)))
              .build();
      assertThat(stub.modelInfer(ok)).isEqualTo(GrpcModelServer.credit(ok));
    }
  }

  @Test
  void aSteadyStreamOutlivesTheReadTimeoutAndAStalledOneIsCancelled() throws Exception {
    try (SidecarServer sidecar =
        SidecarServer.start(
            config().upstreamReadTimeout(Duration.ofMillis(400)).build(), new ListSink())) {
      ManagedChannel channel = channel(sidecar.port());
      // 10 messages 150 ms apart: 1.5 s in all, never 400 ms without one.
      long start = System.nanoTime();
      Iterator<byte[]> ticks =
          ClientCalls.blockingServerStreamingCall(
              channel, GrpcModelServer.TICKS, CallOptions.DEFAULT, new byte[] {10, 15, 0});
      List<Integer> got = new ArrayList<>();
      ticks.forEachRemaining(b -> got.add((int) b[0]));
      assertThat(got).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(1));

      // One message, then silence: the begun response is cut.
      Iterator<byte[]> stalled =
          ClientCalls.blockingServerStreamingCall(
              channel, GrpcModelServer.TICKS, CallOptions.DEFAULT, new byte[] {1, 1, 1});
      assertThat(stalled.next()).containsExactly(0);
      assertThatThrownBy(stalled::hasNext)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
    }
  }

  @Test
  void anIdleConnectionIsClosedWithAGoAway() throws Exception {
    try (SidecarServer sidecar =
            SidecarServer.start(
                config().clientIdleTimeout(Duration.ofMillis(500)).build(), new ListSink());
        Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", sidecar.port()));
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // An empty SETTINGS frame, then nothing.
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      out.flush();
      long start = System.nanoTime();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      List<Integer> types = new ArrayList<>();
      try {
        while (true) {
          byte[] header = new byte[9];
          in.readFully(header);
          int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
          types.add(header[3] & 0xff);
          in.readFully(new byte[length]);
        }
      } catch (EOFException | java.net.SocketException e) {
        // Closed.
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
      // GOAWAY is frame type 7.
      assertThat(types).contains(7);
    }
  }
}
