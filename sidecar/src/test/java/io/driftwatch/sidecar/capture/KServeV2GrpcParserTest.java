package io.driftwatch.sidecar.capture;

import static io.driftwatch.sidecar.capture.GrpcMessagesTest.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.driftwatch.schema.v1.Value;
import io.driftwatch.sidecar.capture.oip.InferTensorContents;
import io.driftwatch.sidecar.capture.oip.ModelInferRequest;
import io.driftwatch.sidecar.capture.oip.ModelInferResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class KServeV2GrpcParserTest {
  private final KServeV2GrpcParser parser = new KServeV2GrpcParser();

  private static Exchange exchange(
      byte[] request,
      boolean requestTruncated,
      Map<String, String> responseHeaders,
      byte[] response,
      Map<String, String> requestHeaders) {
    return new Exchange(
        "id-1",
        "POST",
        KServeV2GrpcParser.PATH,
        new KServeV2GrpcParser(),
        1_700_000_000_000_000L,
        2_000_000L,
        200,
        requestHeaders,
        responseHeaders,
        request,
        requestTruncated,
        response,
        false,
        "",
        1.0);
  }

  private static Exchange ok(ModelInferRequest request, ModelInferResponse response) {
    return exchange(
        frame(0, request.toByteArray()),
        false,
        Map.of("grpc-status", "0", "content-type", "application/grpc"),
        frame(0, response.toByteArray()),
        Map.of("content-type", "application/grpc"));
  }

  private static ModelInferRequest.InferInputTensor.Builder input(
      String name, String datatype, long... shape) {
    ModelInferRequest.InferInputTensor.Builder t =
        ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
    Arrays.stream(shape).forEach(t::addShape);
    return t;
  }

  private static ByteString le(int size, long... values) {
    ByteBuffer b = ByteBuffer.allocate(size * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (size) {
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    return ByteString.copyFrom(b.array());
  }

  @Test
  void claimsOnlyModelInfer() {
    assertThat(parser.matches("POST", "/inference.GRPCInferenceService/ModelInfer")).isTrue();
    assertThat(parser.matches("POST", "/inference.GRPCInferenceService/ModelReady")).isFalse();
    assertThat(parser.matches("GET", "/inference.GRPCInferenceService/ModelInfer")).isFalse();
  }

  @Test
  void typedContentsOfEveryCommonDatatype() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("m")
            .setModelVersion("2")
            .addInputs(
                input("i32", "INT32", 2)
                    .setContents(
                        InferTensorContents.newBuilder().addIntContents(-3).addIntContents(4)))
            .addInputs(
                input("u32", "UINT32", 2)
                    .setContents(
                        InferTensorContents.newBuilder().addUintContents(-1).addUintContents(1)))
            .addInputs(
                input("f64", "fp64", 2, 2)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addFp64Contents(0.5)
                            .addFp64Contents(1.5)
                            .addFp64Contents(2.5)
                            .addFp64Contents(3.5)))
            .addInputs(
                input("tags", "BYTES", 2, 2)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addBytesContents(ByteString.copyFromUtf8("a"))
                            .addBytesContents(ByteString.copyFromUtf8("b\""))
                            .addBytesContents(ByteString.copyFromUtf8("c"))
                            .addBytesContents(ByteString.copyFromUtf8("d"))))
            .addInputs(
                input("flags", "BOOL", 2, 2)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addBoolContents(true)
                            .addBoolContents(false)
                            .addBoolContents(false)
                            .addBoolContents(true)))
            .build();
    ModelInferResponse response =
        ModelInferResponse.newBuilder()
            .addOutputs(
                ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName("y")
                    .setDatatype("UINT64")
                    .addShape(2)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addUint64Contents(-1L)
                            .addUint64Contents(9)))
            .build();

    ExchangeParser.Payload p = parser.parse(ok(request, response));

    assertThat(p.errors()).isEmpty();
    assertThat(p.model()).isEqualTo("m");
    assertThat(p.modelVersion()).isEqualTo("2");
    assertThat(p.rows()).hasSize(2);
    Map<String, Value> f0 = p.rows().get(0).features();
    Map<String, Value> f1 = p.rows().get(1).features();
    assertThat(f0.get("i32").getNumber()).isEqualTo(-3);
    assertThat(f1.get("i32").getNumber()).isEqualTo(4);
    assertThat(f0.get("u32").getNumber()).isEqualTo(4294967295.0);
    assertThat(f0.get("f64").getNumbers().getValuesList()).containsExactly(0.5, 1.5);
    assertThat(f1.get("f64").getNumbers().getValuesList()).containsExactly(2.5, 3.5);
    assertThat(f0.get("tags").getText()).isEqualTo("[\"a\",\"b\\\"\"]");
    assertThat(f1.get("flags").getNumbers().getValuesList()).containsExactly(0.0, 1.0);
    assertThat(p.rows().get(0).outputs().get("y").getNumber()).isEqualTo(18446744073709551615.0);
    assertThat(p.rows().get(1).outputs().get("y").getNumber()).isEqualTo(9);
  }

  @Test
  void rawContentsOfNarrowAndHalfPrecisionTypes() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .addInputs(input("h", "FP16", 3))
            .addInputs(input("bf", "BF16", 3))
            .addInputs(input("s", "INT16", 3))
            .addInputs(input("u8", "UINT8", 3))
            // 1.5, -2, 2^-24 (the smallest subnormal); 1.0, -0.5, 3.0 as bfloat16.
            .addRawInputContents(le(2, 0x3E00, 0xC000, 0x0001))
            .addRawInputContents(le(2, 0x3F80, 0xBF00, 0x4040))
            .addRawInputContents(le(2, -2, 300, 32767))
            .addRawInputContents(ByteString.copyFrom(new byte[] {0, (byte) 200, (byte) 255}))
            .build();
    ExchangeParser.Payload p = parser.parse(ok(request, ModelInferResponse.getDefaultInstance()));
    assertThat(p.errors()).isEmpty();
    assertThat(p.rows())
        .extracting(r -> r.features().get("h").getNumber())
        .containsExactly(1.5, -2.0, Math.pow(2, -24));
    assertThat(p.rows())
        .extracting(r -> r.features().get("bf").getNumber())
        .containsExactly(1.0, -0.5, 3.0);
    assertThat(p.rows())
        .extracting(r -> r.features().get("s").getNumber())
        .containsExactly(-2.0, 300.0, 32767.0);
    assertThat(p.rows())
        .extracting(r -> r.features().get("u8").getNumber())
        .containsExactly(0.0, 200.0, 255.0);
  }

  @Test
  void badTensorsAreDescribedAndTheRestIsRead() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .addInputs(input("ok", "INT64", 1))
            .addInputs(input("short", "FP32", 2))
            .addInputs(input("odd", "FP64", 1))
            .addRawInputContents(le(8, 7))
            .addRawInputContents(le(4, 1))
            .addRawInputContents(ByteString.copyFrom(new byte[5]))
            .build();
    ExchangeParser.Payload p = parser.parse(ok(request, ModelInferResponse.getDefaultInstance()));
    assertThat(p.rows()).hasSize(1);
    assertThat(p.rows().get(0).features()).containsOnlyKeys("ok");
    assertThat(p.errors())
        .containsExactly(
            "request: tensor 'short' has 1 values for shape [2]",
            "request: tensor 'odd': raw contents of 5 bytes are not FP64");
  }

  @Test
  void aGzipRequestIsInflated() throws IOException {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("zipped")
            .addInputs(
                input("x", "FP32", 1)
                    .setContents(InferTensorContents.newBuilder().addFp32Contents(2.5f)))
            .build();
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(request.toByteArray());
    }
    Exchange e =
        exchange(
            frame(1, zipped.toByteArray()),
            false,
            Map.of("grpc-status", "0"),
            frame(0, new byte[0]),
            Map.of("grpc-encoding", "gzip"));
    ExchangeParser.Payload p = parser.parse(e);
    assertThat(p.errors()).isEmpty();
    assertThat(p.model()).isEqualTo("zipped");
    assertThat(p.rows().get(0).features().get("x").getNumber()).isEqualTo(2.5);

    Exchange snappy =
        exchange(
            frame(1, zipped.toByteArray()),
            false,
            Map.of("grpc-status", "0"),
            frame(0, new byte[0]),
            Map.of("grpc-encoding", "snappy"));
    assertThat(parser.parse(snappy).errors())
        .containsExactly("request: grpc-encoding snappy not read");
  }

  @Test
  void aTruncatedRequestIsReportedNotRead() {
    byte[] whole = frame(0, new byte[1000]);
    Exchange e =
        exchange(
            Arrays.copyOf(whole, 100),
            true,
            Map.of("grpc-status", "0"),
            frame(0, new byte[0]),
            Map.of());
    assertThat(parser.parse(e).errors())
        .containsExactly("request: truncated at 100 bytes, not read");
  }

  @Test
  void aFailedCallKeepsItsFeaturesAndDescribesItsStatus() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("m")
            .addInputs(
                input("x", "INT64", 1)
                    .setContents(InferTensorContents.newBuilder().addInt64Contents(5)))
            .build();
    Map<String, String> trailers = new HashMap<>();
    trailers.put("grpc-status", "5");
    trailers.put("grpc-message", "model %E2%80%98m%E2%80%99 not found");
    ExchangeParser.Payload p =
        parser.parse(
            exchange(frame(0, request.toByteArray()), false, trailers, new byte[0], Map.of()));
    assertThat(p.errors())
        .containsExactly("response: grpc-status 5 NOT_FOUND: model ‘m’ not found");
    assertThat(p.rows()).hasSize(1);
    assertThat(p.rows().get(0).features().get("x").getNumber()).isEqualTo(5);
    assertThat(p.rows().get(0).outputs()).isEmpty();
  }

  @Test
  void theResponseNamesTheModelWhenTheRequestDoesNot() {
    ModelInferResponse response =
        ModelInferResponse.newBuilder().setModelName("served").setModelVersion("7").build();
    ExchangeParser.Payload p = parser.parse(ok(ModelInferRequest.getDefaultInstance(), response));
    assertThat(p.model()).isEqualTo("served");
    assertThat(p.modelVersion()).isEqualTo("7");
  }
}
