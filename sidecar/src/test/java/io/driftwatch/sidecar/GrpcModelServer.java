package io.driftwatch.sidecar;

import com.google.protobuf.ByteString;
import io.driftwatch.sidecar.capture.oip.GRPCInferenceServiceGrpc;
import io.driftwatch.sidecar.capture.oip.InferTensorContents;
import io.driftwatch.sidecar.capture.oip.ModelInferRequest;
import io.driftwatch.sidecar.capture.oip.ModelInferResponse;
import io.driftwatch.sidecar.capture.oip.ModelMetadataRequest;
import io.driftwatch.sidecar.capture.oip.ModelMetadataResponse;
import io.driftwatch.sidecar.capture.oip.ModelReadyRequest;
import io.driftwatch.sidecar.capture.oip.ModelReadyResponse;
import io.driftwatch.sidecar.capture.oip.ServerLiveRequest;
import io.driftwatch.sidecar.capture.oip.ServerLiveResponse;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real grpc-java server speaking the Open Inference Protocol with a tiny fake model, for {@link
 * GrpcProxyIT}.
 *
 * <ul>
 *   <li>{@code credit}: reads the per-row scalar input {@code age} (INT32 or INT64) and answers
 *       {@code score} (FP64, age / 100) and {@code label} (BYTES, {@code high} from 30 on, else
 *       {@code low}); in raw contents when the request used them, else typed.
 *   <li>{@code echo}: answers its first input unchanged as output {@code echo} (raw).
 *   <li>{@code broken}: fails with {@code INVALID_ARGUMENT} and {@link #BROKEN_MESSAGE}.
 *   <li>{@code silent}: never answers.
 * </ul>
 *
 * Besides, {@link #TICKS} is a server-streaming method of raw bytes: a request {@code [count,
 * interval in 10 ms, stall]} is answered with {@code count} one-byte messages {@code interval}
 * apart, then completed, or, when {@code stall} is not 0, left open without a word.
 *
 * <p>A request header {@code x-test-echo} comes back as response header {@code x-echo} and trailer
 * {@code x-trailer: done}; the last {@code traceparent} seen is kept.
 */
final class GrpcModelServer implements AutoCloseable {
  static final String BROKEN_MESSAGE = "age must be ≥ 0";

  static final Metadata.Key<String> TEST_ECHO =
      Metadata.Key.of("x-test-echo", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> ECHO =
      Metadata.Key.of("x-echo", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TRAILER =
      Metadata.Key.of("x-trailer", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  /** Raw bytes both ways. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> TICKS =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName("driftwatch.test.Ticks/Stream")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  private final Server server;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  volatile String lastTraceparent;

  private GrpcModelServer() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .maxInboundMessageSize(64 * 1024 * 1024)
            .addService(ServerInterceptors.intercept(new Model(), new EchoMetadata()))
            .addService(
                ServerServiceDefinition.builder("driftwatch.test.Ticks")
                    .addMethod(TICKS, ServerCalls.asyncServerStreamingCall(this::ticks))
                    .build())
            .build()
            .start();
  }

  private void ticks(byte[] request, StreamObserver<byte[]> out) {
    int count = request[0];
    long interval = request[1] * 10L;
    boolean stall = request[2] != 0;
    AtomicInteger sent = new AtomicInteger();
    Runnable[] tick = new Runnable[1];
    tick[0] =
        () -> {
          try {
            int n = sent.getAndIncrement();
            if (n < count) {
              out.onNext(new byte[] {(byte) n});
              ticker.schedule(tick[0], interval, TimeUnit.MILLISECONDS);
            } else if (!stall) {
              out.onCompleted();
            }
          } catch (RuntimeException e) {
            // The call was cancelled.
          }
        };
    tick[0].run();
  }

  static GrpcModelServer start() throws IOException {
    return new GrpcModelServer();
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    ticker.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class EchoMetadata implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String echo = headers.get(TEST_ECHO);
      if (headers.get(TRACEPARENT) != null) {
        lastTraceparent = headers.get(TRACEPARENT);
      }
      if (echo == null) {
        return next.startCall(call, headers);
      }
      return next.startCall(
          new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
              responseHeaders.put(ECHO, echo);
              super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
              trailers.put(TRAILER, "done");
              super.close(status, trailers);
            }
          },
          headers);
    }
  }

  private static final class Model extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
      out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
      out.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
      out.onNext(
          ModelReadyResponse.newBuilder().setReady("credit".equals(request.getName())).build());
      out.onCompleted();
    }

    @Override
    public void modelMetadata(
        ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
      out.onNext(
          ModelMetadataResponse.newBuilder()
              .setName(request.getName())
              .addVersions("3")
              .setPlatform("fake")
              .addInputs(
                  ModelMetadataResponse.TensorMetadata.newBuilder()
                      .setName("age")
                      .setDatatype("INT64")
                      .addShape(-1))
              .build());
      out.onCompleted();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
      switch (request.getModelName()) {
        case "silent" -> {
          // Never answers.
        }
        case "broken" ->
            out.onError(
                Status.INVALID_ARGUMENT.withDescription(BROKEN_MESSAGE).asRuntimeException());
        case "echo" -> {
          ModelInferRequest.InferInputTensor in = request.getInputs(0);
          out.onNext(
              ModelInferResponse.newBuilder()
                  .setModelName("echo")
                  .setId(request.getId())
                  .addOutputs(
                      ModelInferResponse.InferOutputTensor.newBuilder()
                          .setName("echo")
                          .setDatatype(in.getDatatype())
                          .addAllShape(in.getShapeList()))
                  .addRawOutputContents(request.getRawInputContents(0))
                  .build());
          out.onCompleted();
        }
        default -> {
          out.onNext(credit(request));
          out.onCompleted();
        }
      }
    }
  }

  /** What {@code credit} answers: computed here, from the request, for comparisons. */
  static ModelInferResponse credit(ModelInferRequest request) {
    List<Long> ages = new ArrayList<>();
    boolean raw = request.getRawInputContentsCount() > 0;
    for (int i = 0; i < request.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor t = request.getInputs(i);
      if (!t.getName().equals("age")) {
        continue;
      }
      if (raw) {
        ByteBuffer b =
            request.getRawInputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
          ages.add(t.getDatatype().equals("INT32") ? b.getInt() : b.getLong());
        }
      } else if (t.getDatatype().equals("INT32")) {
        t.getContents().getIntContentsList().forEach(v -> ages.add((long) v));
      } else {
        ages.addAll(t.getContents().getInt64ContentsList());
      }
    }
    ModelInferResponse.Builder r =
        ModelInferResponse.newBuilder()
            .setModelName(request.getModelName())
            .setModelVersion(request.getModelVersion())
            .setId(request.getId());
    ModelInferResponse.InferOutputTensor.Builder score =
        ModelInferResponse.InferOutputTensor.newBuilder()
            .setName("score")
            .setDatatype("FP64")
            .addShape(ages.size());
    ModelInferResponse.InferOutputTensor.Builder label =
        ModelInferResponse.InferOutputTensor.newBuilder()
            .setName("label")
            .setDatatype("BYTES")
            .addShape(ages.size());
    if (raw) {
      ByteBuffer scores = ByteBuffer.allocate(8 * ages.size()).order(ByteOrder.LITTLE_ENDIAN);
      ByteString.Output labels = ByteString.newOutput();
      for (long age : ages) {
        scores.putDouble(age / 100.0);
        byte[] text =
            (age >= 30 ? "high" : "low").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer length =
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length);
        labels.write(length.array(), 0, 4);
        labels.write(text, 0, text.length);
      }
      r.addOutputs(score).addOutputs(label);
      r.addRawOutputContents(ByteString.copyFrom(scores.array()));
      r.addRawOutputContents(labels.toByteString());
    } else {
      InferTensorContents.Builder s = InferTensorContents.newBuilder();
      InferTensorContents.Builder l = InferTensorContents.newBuilder();
      for (long age : ages) {
        s.addFp64Contents(age / 100.0);
        l.addBytesContents(ByteString.copyFromUtf8(age >= 30 ? "high" : "low"));
      }
      r.addOutputs(score.setContents(s)).addOutputs(label.setContents(l));
    }
    return r.build();
  }
}
