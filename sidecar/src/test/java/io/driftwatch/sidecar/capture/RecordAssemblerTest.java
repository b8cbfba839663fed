package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordAssemblerTest {
  private static final String BATCH =
      "{\"inputs\":[{\"name\":\"x\",\"shape\":[3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";
  private static final String OUT =
      "{\"model_version\":\"9\",\"outputs\":[{\"name\":\"y\",\"shape\":[3],\"datatype\":\"FP32\","
          + "\"data\":[4,5,6]}]}";

  @Test
  void unreadableBodiesOfSuccessfulPredictionsAreCountedByProtocol() {
    CaptureStats stats = new CaptureStats();
    RecordAssembler assembler = new RecordAssembler("", "");
    // Readable: not counted.
    assembler.toRecords(Exchanges.v2("/v2/models/iris/infer", BATCH, 200, OUT), stats);
    assertThat(stats.unreadableByProtocol()).isEmpty();
    // A response that is not JSON, for a batch of 3: each of the 3 records is unreadable.
    List<PredictionRecord> records =
        assembler.toRecords(Exchanges.v2("/v2/models/iris/infer", BATCH, 200, "<html>"), stats);
    assertThat(records).hasSize(3);
    assertThat(records.get(0).getCaptureError()).isNotEmpty();
    // A request that is not JSON: the response's 3 rows still make 3 records, each unreadable.
    List<PredictionRecord> more =
        assembler.toRecords(Exchanges.v2("/v2/models/iris/infer", "not json", 200, OUT), stats);
    assertThat(more).hasSize(3);
    // An error status explains its own body: not counted, whatever the body.
    assembler.toRecords(Exchanges.v2("/v2/models/iris/infer", BATCH, 500, "<html>"), stats);
    assertThat(stats.unreadableByProtocol()).isEqualTo(Map.of("kserve_v2_rest", 6L));
  }

  @Test
  void batchRowsGetRowIdsAndSharedFields() {
    List<PredictionRecord> records =
        new RecordAssembler("", "")
            .toRecords(Exchanges.v2("/v2/models/iris/infer", BATCH, 200, OUT));

    assertThat(records)
        .extracting(PredictionRecord::getPredictionId)
        .containsExactly("req-1/0", "req-1/1", "req-1/2");
    for (int i = 0; i < 3; i++) {
      PredictionRecord r = records.get(i);
      assertThat(r.getSchemaVersion()).isEqualTo(Records.SCHEMA_VERSION);
      assertThat(r.getModel()).isEqualTo("iris");
      assertThat(r.getModelVersion()).isEqualTo("9");
      assertThat(r.getTimestampMicros()).isEqualTo(1_700_000_000_000_000L);
      assertThat(r.getLatencyMicros()).isEqualTo(2_500L);
      assertThat(r.getStatusCode()).isEqualTo(200);
      assertThat(r.getProtocol()).isEqualTo(Protocol.KSERVE_V2_REST);
      assertThat(r.getSamplingWeight()).isEqualTo(1.0);
      assertThat(r.getCaptureError()).isEmpty();
      assertThat(r.getFeaturesMap().get("x").getNumber()).isEqualTo(i + 1);
      assertThat(r.getOutputsMap().get("y").getNumber()).isEqualTo(i + 4);
      assertThat(Records.decodePrediction(r.toByteArray()).isOk()).isTrue();
    }
  }

  @Test
  void aSingleRowKeepsTheRequestId() {
    String one = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}";
    List<PredictionRecord> records =
        new RecordAssembler("", "").toRecords(Exchanges.v2("/v2/models/m/infer", one, 200, "{}"));
    assertThat(records)
        .singleElement()
        .extracting(PredictionRecord::getPredictionId)
        .isEqualTo("req-1");
  }

  @Test
  void overridesWinOverPathAndResponse() {
    List<PredictionRecord> records =
        new RecordAssembler("fraud", "2024-01")
            .toRecords(Exchanges.v2("/v2/models/iris/versions/3/infer", BATCH, 200, OUT));
    assertThat(records).allSatisfy(r -> assertThat(r.getModel()).isEqualTo("fraud"));
    assertThat(records).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo("2024-01"));
  }

  @Test
  void unreadablePayloadStillGivesOneRecordWithTheErrors() {
    Exchange e =
        Exchanges.withBodies(
            Exchanges.v2("/v2/models/m/infer", "", 502, ""),
            Exchanges.bytes("nope"),
            false,
            new byte[0],
            "upstream: unreachable");
    List<PredictionRecord> records = new RecordAssembler("", "").toRecords(e);
    assertThat(records).hasSize(1);
    PredictionRecord r = records.get(0);
    assertThat(r.getPredictionId()).isEqualTo("req-1");
    assertThat(r.getStatusCode()).isEqualTo(502);
    assertThat(r.getCaptureError()).isEqualTo("upstream: unreachable; request: not JSON");
    assertThat(r.getFeaturesCount()).isZero();
  }

  @Test
  void traceIdComesFromTraceparent() {
    assertThat(RecordAssembler.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(RecordAssembler.traceId(null)).isEmpty();
    assertThat(RecordAssembler.traceId("garbage")).isEmpty();
    assertThat(RecordAssembler.traceId("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
        .isEmpty();
    assertThat(RecordAssembler.traceId("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"))
        .isEmpty();
  }

  @Test
  void traceIdAndTruncationAreRecorded() {
    Exchange base = Exchanges.v2("/v2/models/m/infer", "{}", 200, "{}");
    Exchange e =
        new Exchange(
            "id",
            "POST",
            base.path(),
            base.parser(),
            1,
            1_000,
            200,
            Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            Map.of(),
            Exchanges.bytes("{\"inputs\":["),
            true,
            Exchanges.bytes("{}"),
            false,
            "",
            4.0);
    PredictionRecord r = new RecordAssembler("", "").toRecords(e).get(0);
    assertThat(r.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(r.getTruncated()).isTrue();
    assertThat(r.getSamplingWeight()).isEqualTo(4.0);
    assertThat(r.getLatencyMicros()).isEqualTo(1);
  }
}
