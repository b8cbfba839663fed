package io.driftwatch.sidecar.capture;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import io.driftwatch.sidecar.capture.oip.ModelInferRequest;
import io.driftwatch.sidecar.capture.oip.ModelInferResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads the KServe v2 / Open Inference Protocol gRPC inference call, {@code
 * /inference.GRPCInferenceService/ModelInfer} (Triton, KServe, MLServer), proxied as HTTP/2.
 *
 * <p>Bodies are gRPC-framed ({@link GrpcMessages}); the first message of each side is read as a
 * {@code ModelInferRequest} / {@code ModelInferResponse}, uncompressed or gzip. Tensors become rows
 * as in {@link InferTensors}. The model and version are the request's ({@code model_name}, {@code
 * model_version}), else the response's. A call whose {@code grpc-status} (from the trailers, in
 * {@link Exchange#responseHeaders()}) is not 0 has its status and {@code grpc-message} in the
 * errors and no outputs.
 */
public final class KServeV2GrpcParser implements ExchangeParser {
  /** The HTTP/2 {@code :path} of the call. */
  public static final String PATH = "/inference.GRPCInferenceService/ModelInfer";

  /** A compressed message inflating beyond this many bytes is not read. */
  private static final int MAX_INFLATED_BYTES = 16 * 1024 * 1024;

  private static final String[] CODE_NAMES = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED"
  };

  @Override
  public Protocol protocol() {
    return Protocol.KSERVE_V2_GRPC;
  }

  @Override
  public boolean matches(String method, String path) {
    return "POST".equals(method) && PATH.equals(path);
  }

  @Override
  public Payload parse(Exchange exchange) {
    List<String> errors = new ArrayList<>();
    String model = "";
    String version = "";
    List<Map<String, Value>> featureRows = List.of();
    ModelInferRequest request =
        read(
            "request",
            exchange.requestBody(),
            exchange.requestTruncated(),
            exchange.requestHeaders(),
            ModelInferRequest.parser(),
            errors);
    if (request != null) {
      model = request.getModelName();
      version = request.getModelVersion();
      List<InferTensors.Tensor> inputs = new ArrayList<>(request.getInputsCount());
      for (ModelInferRequest.InferInputTensor t : request.getInputsList()) {
        inputs.add(
            new InferTensors.Tensor(
                t.getName(),
                t.getDatatype(),
                t.getShapeList(),
                t.hasContents() ? t.getContents() : null));
      }
      featureRows = InferTensors.rows("request", inputs, request.getRawInputContentsList(), errors);
    }

    List<Map<String, Value>> outputRows = List.of();
    int grpcStatus = grpcStatus(exchange.responseHeaders());
    boolean modelAnswered = exchange.proxyError().isEmpty();
    if (modelAnswered && exchange.status() == 200 && grpcStatus == 0) {
      ModelInferResponse response =
          read(
              "response",
              exchange.responseBody(),
              exchange.responseTruncated(),
              exchange.responseHeaders(),
              ModelInferResponse.parser(),
              errors);
      if (response != null) {
        model = model.isEmpty() ? response.getModelName() : model;
        version = version.isEmpty() ? response.getModelVersion() : version;
        List<InferTensors.Tensor> outputs = new ArrayList<>(response.getOutputsCount());
        for (ModelInferResponse.InferOutputTensor t : response.getOutputsList()) {
          outputs.add(
              new InferTensors.Tensor(
                  t.getName(),
                  t.getDatatype(),
                  t.getShapeList(),
                  t.hasContents() ? t.getContents() : null));
        }
        outputRows =
            InferTensors.rows("response", outputs, response.getRawOutputContentsList(), errors);
      }
    } else if (modelAnswered) {
      errors.add(errorResponse(exchange.status(), grpcStatus, exchange.responseHeaders()));
    }
    return new Payload(model, version, Rows.zip(featureRows, outputRows, errors), errors);
  }

  /**
   * The {@code grpc-status} of a response's headers or trailers; -1 when absent or not a number.
   */
  public static int grpcStatus(Map<String, String> headers) {
    String s = headers.get("grpc-status");
    if (s == null) {
      return -1;
    }
    try {
      int code = Integer.parseInt(s.trim());
      return code >= 0 ? code : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String errorResponse(int status, int grpcStatus, Map<String, String> headers) {
    if (grpcStatus < 0) {
      return "response: status " + status + " without grpc-status";
    }
    StringBuilder sb = new StringBuilder("response: grpc-status ").append(grpcStatus);
    if (grpcStatus < CODE_NAMES.length) {
      sb.append(' ').append(CODE_NAMES[grpcStatus]);
    }
    String message = headers.get("grpc-message");
    if (message != null && !message.isEmpty()) {
      sb.append(": ").append(JsonBodies.clip(percentDecode(message)));
    }
    return sb.toString();
  }

  private static <T> T read(
      String side,
      byte[] body,
      boolean truncated,
      Map<String, String> headers,
      Parser<T> parser,
      List<String> errors) {
    GrpcMessages.Split split = GrpcMessages.split(body, 1);
    if (split.messages().isEmpty()) {
      if (split.incomplete() && truncated) {
        errors.add(side + ": truncated at " + body.length + " bytes, not read");
      } else if (!split.error().isEmpty()) {
        errors.add(side + ": " + split.error());
      } else {
        errors.add(side + ": no gRPC message");
      }
      return null;
    }
    GrpcMessages.Message message = split.messages().get(0);
    byte[] bytes = message.bytes();
    if (message.compressed()) {
      String encoding = headers.getOrDefault("grpc-encoding", "");
      if (!encoding.equalsIgnoreCase("gzip")) {
        errors.add(side + ": grpc-encoding " + JsonBodies.clip(encoding) + " not read");
        return null;
      }
      bytes = gunzip(bytes);
      if (bytes == null) {
        errors.add(side + ": gzip message not read");
        return null;
      }
    }
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      errors.add(side + ": not a valid message (" + JsonBodies.clip(e.getMessage()) + ")");
      return null;
    }
  }

  private static byte[] gunzip(byte[] bytes) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 4);
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + n > MAX_INFLATED_BYTES) {
          return null;
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code grpc-message} is percent-encoded UTF-8. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '%' && i + 2 < in.length) {
        int hi = Character.digit(in[i + 1], 16);
        int lo = Character.digit(in[i + 2], 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      out.write(in[i]);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
