package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KServeCloudEventParserTest {
  private final KServeCloudEventParser parser = new KServeCloudEventParser();

  private Exchange exchange(String request, String response, int status, Map<String, String> h) {
    return new Exchange(
        "ce-1",
        "POST",
        "/v1/cloudevents",
        parser,
        1_700_000_000_000_000L,
        3_000_000L,
        status,
        h,
        Map.of("content-type", "application/json"),
        Exchanges.bytes(request),
        false,
        Exchanges.bytes(response),
        false,
        "",
        1.0);
  }

  @Test
  void anEventWithoutItsOtherHalfIsNotCountedUnreadableButABadBodyIs() {
    CaptureStats stats = new CaptureStats();
    RecordAssembler assembler = new RecordAssembler("", "");
    // A response alone: its record says so, and the pairer counts it as unpaired, not here.
    List<PredictionRecord> alone =
        assembler.toRecords(
            exchange(
                "",
                "{\"predictions\":[0,1]}",
                200,
                Map.of(KServeCloudEventParser.PAIRING_HEADER, "cloudevent: no request event")),
            stats);
    assertThat(alone.get(0).getCaptureError()).isEqualTo("cloudevent: no request event");
    assertThat(stats.unreadableByProtocol()).isEmpty();
    // Both halves, but a request that is not JSON: counted.
    assembler.toRecords(exchange("not json", "{\"predictions\":[0]}", 200, Map.of()), stats);
    assertThat(stats.unreadableByProtocol()).isEqualTo(Map.of("kserve_cloudevent", 1L));
  }

  @Test
  void neverClaimsAProxiedRequest() {
    assertThat(parser.matches("POST", "/v2/models/m/infer")).isFalse();
    assertThat(parser.protocol()).isEqualTo(Protocol.KSERVE_CLOUDEVENT);
  }

  @Test
  void readsAV2PairAndNamesTheInferenceService() {
    String request =
        "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[2,4],\"datatype\":\"FP32\","
            + "\"data\":[6.8,2.8,4.8,1.4,6.0,3.4,4.5,1.6]}]}";
    String response =
        "{\"model_name\":\"sklearn-iris\",\"model_version\":\"v1\",\"outputs\":[{\"name\":"
            + "\"output-0\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[1,1]}]}";
    ExchangeParser.Payload p =
        parser.parse(
            exchange(
                request,
                response,
                200,
                Map.of(KServeCloudEventParser.SERVICE_HEADER, "iris-isvc")));
    assertThat(p.errors()).isEmpty();
    assertThat(p.model()).isEqualTo("iris-isvc");
    assertThat(p.modelVersion()).isEqualTo("v1");
    assertThat(p.rows()).hasSize(2);
    assertThat(p.rows().get(1).features().get("input-0").getNumbers().getValuesList())
        .containsExactly(6.0, 3.4, 4.5, 1.6);
    assertThat(p.rows().get(1).outputs().get("output-0").getNumber()).isEqualTo(1);
  }

  @Test
  void readsAV1Pair() {
    ExchangeParser.Payload p =
        parser.parse(
            exchange(
                "{\"instances\":[[6.8,2.8,4.8,1.4]]}", "{\"predictions\":[1]}", 200, Map.of()));
    assertThat(p.errors()).isEmpty();
    assertThat(p.model()).isEmpty();
    assertThat(p.rows().get(0).features().get("f2").getNumber()).isEqualTo(4.8);
    assertThat(p.rows().get(0).outputs().get("prediction").getNumber()).isEqualTo(1);
  }

  @Test
  void aRequestAloneKeepsItsFeaturesAndSaysWhyItIsAlone() {
    List<PredictionRecord> records =
        new RecordAssembler("", "")
            .toRecords(
                exchange(
                    "{\"instances\":[[1,2]]}",
                    "",
                    0,
                    Map.of(
                        KServeCloudEventParser.SERVICE_HEADER,
                        "iris",
                        KServeCloudEventParser.PAIRING_HEADER,
                        "cloudevent: no response event within the pairing timeout")));
    PredictionRecord r = records.get(0);
    assertThat(r.getModel()).isEqualTo("iris");
    assertThat(r.getStatusCode()).isZero();
    assertThat(r.getProtocol()).isEqualTo(Protocol.KSERVE_CLOUDEVENT);
    assertThat(r.getFeaturesMap()).containsKeys("f0", "f1");
    assertThat(r.getOutputsMap()).isEmpty();
    assertThat(r.getCaptureError())
        .isEqualTo("cloudevent: no response event within the pairing timeout");
  }

  @Test
  void aResponseAloneKeepsItsOutputs() {
    ExchangeParser.Payload p =
        parser.parse(
            exchange(
                "",
                "{\"predictions\":[0,1]}",
                200,
                Map.of(KServeCloudEventParser.PAIRING_HEADER, "cloudevent: no request event")));
    assertThat(p.errors()).containsExactly("cloudevent: no request event");
    assertThat(p.rows()).hasSize(2);
    assertThat(p.rows().get(1).features()).isEmpty();
    assertThat(p.rows().get(1).outputs().get("prediction").getNumber()).isEqualTo(1);
  }
}
