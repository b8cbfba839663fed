package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftwatch.schema.v1.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiParserTest {
  private static final String CHAT_REQUEST =
      "{\"model\": \"meta-llama/Llama-3.1-8B-Instruct\", \"messages\": ["
          + "{\"role\": \"system\", \"content\": \"You are terse.\"},"
          + "{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Say héllo\"}]}],"
          + " \"max_tokens\": 64, \"temperature\": 0.7, \"top_p\": 0.9, \"stream\": false}";
  private static final String CHAT_RESPONSE =
      "{\"id\": \"chatcmpl-1\", \"object\": \"chat.completion\", \"created\": 1715000000,"
          + " \"model\": \"meta-llama/Llama-3.1-8B-Instruct\", \"choices\": [{\"index\": 0,"
          + " \"message\": {\"role\": \"assistant\", \"content\": \"Héllo!\"}, \"finish_reason\":"
          + " \"stop\"}], \"usage\": {\"prompt_tokens\": 21, \"completion_tokens\": 3,"
          + " \"total_tokens\": 24}}";

  private final OpenAiParser parser = new OpenAiParser();

  @Test
  void claimsTheTwoCompletionPaths() {
    assertThat(parser.matches("POST", "/v1/chat/completions")).isTrue();
    assertThat(parser.matches("POST", "/v1/completions")).isTrue();
    assertThat(parser.matches("GET", "/v1/chat/completions")).isFalse();
    assertThat(parser.matches("POST", "/v1/embeddings")).isFalse();
    assertThat(parser.matches("POST", "/v1/models/x:predict")).isFalse();
  }

  @Test
  void aChatCompletionGivesRequestFeaturesAndUsageOutputs() {
    ExchangeParser.Payload p =
        parser.parse(
            Exchanges.of(parser, "/v1/chat/completions", CHAT_REQUEST, 200, CHAT_RESPONSE));
    assertThat(p.errors()).isEmpty();
    assertThat(p.model()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    ExchangeParser.Row row = p.rows().get(0);
    assertThat(row.features().get("model").getText()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    assertThat(row.features().get("stream").getFlag()).isFalse();
    assertThat(row.features().get("messages").getNumber()).isEqualTo(2);
    // "You are terse." is 14 code points, "Say héllo" 9.
    assertThat(row.features().get("prompt_chars").getNumber()).isEqualTo(23);
    assertThat(row.features().get("max_tokens").getNumber()).isEqualTo(64);
    assertThat(row.features().get("temperature").getNumber()).isEqualTo(0.7);
    assertThat(row.features().get("top_p").getNumber()).isEqualTo(0.9);
    assertThat(row.outputs().get("finish_reason").getText()).isEqualTo("stop");
    assertThat(row.outputs().get("prompt_tokens").getNumber()).isEqualTo(21);
    assertThat(row.outputs().get("completion_tokens").getNumber()).isEqualTo(3);
    assertThat(row.outputs().get("completion_chars").getNumber()).isEqualTo(6);
    assertThat(row.outputs()).doesNotContainKeys("ttft_seconds", "inter_token_latency_seconds");
  }

  @Test
  void aTextCompletionCountsThePrompt() {
    ExchangeParser.Payload p =
        parser.parse(
            Exchanges.of(
                parser,
                "/v1/completions",
                "{\"model\": \"gpt2\", \"prompt\": \"Once upon a time\", \"max_completion_tokens\":"
                    + " 16, \"n\": 2}",
                200,
                "{\"model\": \"gpt2\", \"choices\": [{\"text\": \" there\", \"finish_reason\":"
                    + " \"length\"}, {\"text\": \" a\", \"finish_reason\": \"stop\"}]}"));
    ExchangeParser.Row row = p.rows().get(0);
    assertThat(row.features().get("prompt_chars").getNumber()).isEqualTo(16);
    assertThat(row.features().get("max_tokens").getNumber()).isEqualTo(16);
    assertThat(row.features().get("n").getNumber()).isEqualTo(2);
    assertThat(row.outputs().get("finish_reason").getText()).isEqualTo("length");
    assertThat(row.outputs().get("completion_chars").getNumber()).isEqualTo(8);
    assertThat(row.outputs()).doesNotContainKey("completion_tokens");
  }

  @Test
  void anErrorAnswerKeepsTheFeaturesAndNamesTheError() {
    ExchangeParser.Payload p =
        parser.parse(
            Exchanges.of(
                parser,
                "/v1/chat/completions",
                CHAT_REQUEST,
                400,
                "{\"object\": \"error\", \"message\": \"ignored\", \"error\": {\"message\":"
                    + " \"max_tokens is too large\", \"type\": \"BadRequestError\"}}"));
    assertThat(p.errors()).containsExactly("response: status 400: max_tokens is too large");
    assertThat(p.rows().get(0).features()).containsKey("prompt_chars");
    assertThat(p.rows().get(0).outputs()).isEmpty();
  }

  /** One SSE event and when the read carrying it arrived. */
  record Timed(String json, long millis) {}

  private static List<Timed> chatStream(boolean usage) {
    List<Timed> events = new ArrayList<>();
    String pre = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"llama\",";
    events.add(
        new Timed(
            pre
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"finish_reason\":null}]}",
            90));
    String[] words = {"Hel", "lo", ", ", "wor", "ld"};
    for (int i = 0; i < words.length; i++) {
      events.add(
          new Timed(
              pre
                  + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                  + words[i]
                  + "\"},"
                  + "\"finish_reason\":null}]}",
              100 + 20L * i));
    }
    events.add(
        new Timed(
            pre + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}", 181));
    if (usage) {
      events.add(
          new Timed(
              pre
                  + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":10,"
                  + "\"total_tokens\":22}}",
              182));
    }
    events.add(new Timed("[DONE]", 182));
    return events;
  }

  /**
   * The exchange the proxy would build for these events, each arriving in its own read, keeping
   * {@code head} bytes of the body and the last {@code tail} after them.
   */
  static Exchange streamed(List<Timed> events, int head, int tail) {
    StringBuilder sse = new StringBuilder();
    List<long[]> reads = new ArrayList<>();
    for (Timed t : events) {
      sse.append("data: ").append(t.json()).append("\n\n");
      reads.add(
          new long[] {
            sse.toString().getBytes(StandardCharsets.UTF_8).length, t.millis() * 1_000_000
          });
    }
    byte[] body = sse.toString().getBytes(StandardCharsets.UTF_8);
    int half = StreamCapture.MAX_READS / 2;
    List<long[]> kept = reads;
    if (reads.size() > StreamCapture.MAX_READS) {
      kept = new ArrayList<>(reads.subList(0, half));
      kept.addAll(reads.subList(reads.size() - half, reads.size()));
    }
    long[] ends = kept.stream().mapToLong(r -> r[0]).toArray();
    long[] nanos = kept.stream().mapToLong(r -> r[1]).toArray();
    int headLength = Math.min(head, body.length);
    long tailOffset = Math.max(headLength, body.length - tail);
    byte[] tailBytes = Arrays.copyOfRange(body, (int) tailOffset, body.length);
    StreamCapture sc =
        new StreamCapture(ends, nanos, body.length, events.size(), tailBytes, tailOffset);
    return new Exchange(
        "req-1",
        "POST",
        "/v1/chat/completions",
        new OpenAiParser(),
        1_700_000_000_000_000L,
        200_000_000L,
        200,
        Map.of("content-type", "application/json"),
        Map.of("content-type", "text/event-stream; charset=utf-8"),
        Exchanges.bytes("{\"model\":\"llama\",\"stream\":true,\"messages\":[]}"),
        false,
        Arrays.copyOf(body, headLength),
        body.length > headLength,
        "",
        1.0,
        sc);
  }

  @Test
  void aStreamGivesTimeToFirstTokenAndInterTokenLatency() {
    ExchangeParser.Payload p = parser.parse(streamed(chatStream(false), 65536, 16384));
    assertThat(p.errors()).isEmpty();
    assertThat(p.model()).isEqualTo("llama");
    Map<String, Value> out = p.rows().get(0).outputs();
    // The role-only first event carries no text: the first token arrived at 100 ms.
    assertThat(out.get("ttft_seconds").getNumber()).isCloseTo(0.100, within(1e-12));
    // 5 content events from 100 ms to 180 ms: (180 - 100) / (5 - 1) = 20 ms.
    assertThat(out.get("inter_token_latency_seconds").getNumber()).isCloseTo(0.020, within(1e-12));
    assertThat(out.get("completion_tokens").getNumber()).isEqualTo(5);
    assertThat(out.get("completion_chars").getNumber()).isEqualTo(12);
    assertThat(out.get("finish_reason").getText()).isEqualTo("stop");
    assertThat(out).doesNotContainKey("prompt_tokens");
    assertThat(p.rows().get(0).features().get("stream").getFlag()).isTrue();
  }

  @Test
  void theUsageChunkWinsOverCountedEvents() {
    Map<String, Value> out =
        parser.parse(streamed(chatStream(true), 65536, 16384)).rows().get(0).outputs();
    assertThat(out.get("completion_tokens").getNumber()).isEqualTo(10);
    assertThat(out.get("prompt_tokens").getNumber()).isEqualTo(12);
    // vLLM's time per output token: (180 - 100) / (10 - 1).
    assertThat(out.get("inter_token_latency_seconds").getNumber())
        .isCloseTo(0.080 / 9, within(1e-12));
  }

  @Test
  void aStreamLongerThanTheCaptureIsCountedFromItsEnds() {
    List<Timed> events = new ArrayList<>();
    String pre = "{\"object\":\"chat.completion.chunk\",\"model\":\"llama\",";
    events.add(
        new Timed(pre + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}", 50));
    for (int i = 0; i < 300; i++) {
      events.add(
          new Timed(
              pre + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" + i + " \"}}]}",
              60 + 10L * i));
    }
    events.add(
        new Timed(
            pre + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}", 3055));
    events.add(new Timed("[DONE]", 3055));
    Exchange e = streamed(events, 4096, 2048);
    assertThat(e.responseIncomplete()).isTrue();

    ExchangeParser.Payload p = parser.parse(e);
    assertThat(p.errors()).isEmpty();
    Map<String, Value> out = p.rows().get(0).outputs();
    assertThat(out.get("completion_tokens").getNumber()).isEqualTo(300);
    assertThat(out.get("finish_reason").getText()).isEqualTo("length");
    assertThat(out.get("ttft_seconds").getNumber()).isCloseTo(0.060, within(1e-12));
    // First token at 60 ms, last (the 300th) at 60 + 2990 ms.
    assertThat(out.get("inter_token_latency_seconds").getNumber())
        .isCloseTo(2.990 / 299, within(1e-12));
    // The characters of the middle were not seen.
    assertThat(out).doesNotContainKey("completion_chars");
  }

  @Test
  void aTailThatFollowsTheHeadIsReadAsOneBody() {
    List<Timed> events = chatStream(true);
    Exchange e = streamed(events, 300, 16384);
    assertThat(e.responseTruncated()).isTrue();
    assertThat(e.responseIncomplete()).isFalse();
    Map<String, Value> out = parser.parse(e).rows().get(0).outputs();
    assertThat(out.get("completion_chars").getNumber()).isEqualTo(12);
    assertThat(out.get("completion_tokens").getNumber()).isEqualTo(10);
  }

  @Test
  void errorsInsideAStreamAreReported() {
    List<Timed> events = new ArrayList<>(chatStream(false).subList(0, 3));
    events.add(new Timed("{\"error\":{\"message\":\"engine died\",\"code\":500}}", 150));
    events.add(new Timed("{not json", 151));
    ExchangeParser.Payload p = parser.parse(streamed(events, 65536, 16384));
    assertThat(p.errors())
        .containsExactly(
            "response: a stream event is not JSON", "response: stream error: engine died");
    assertThat(p.rows().get(0).outputs().get("completion_tokens").getNumber()).isEqualTo(2);
    assertThat(p.rows().get(0).outputs()).doesNotContainKey("finish_reason");
  }

  @Test
  void aStreamedTextCompletionCountsTextDeltas() {
    List<Timed> events =
        List.of(
            new Timed("{\"model\":\"gpt2\",\"choices\":[{\"text\":\" a\",\"index\":0}]}", 30),
            new Timed("{\"model\":\"gpt2\",\"choices\":[{\"text\":\" b\",\"index\":0}]}", 40),
            new Timed(
                "{\"model\":\"gpt2\",\"choices\":[{\"text\":\"\",\"finish_reason\":\"length\"}]}",
                41),
            new Timed("[DONE]", 41));
    Map<String, Value> out = parser.parse(streamed(events, 65536, 16384)).rows().get(0).outputs();
    assertThat(out.get("completion_tokens").getNumber()).isEqualTo(2);
    assertThat(out.get("ttft_seconds").getNumber()).isCloseTo(0.030, within(1e-12));
    assertThat(out.get("inter_token_latency_seconds").getNumber()).isCloseTo(0.010, within(1e-12));
    assertThat(out.get("finish_reason").getText()).isEqualTo("length");
  }
}
