package io.driftwatch.sidecar.capture;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads OpenAI-compatible completion calls (vLLM, TGI, llama.cpp, OpenAI itself): {@code POST
 * /v1/chat/completions} and {@code POST /v1/completions}, answered with one JSON object or, with
 * {@code "stream": true}, with server-sent events. One record per call (all choices together).
 *
 * <p>Features, when the request has them: {@code model} (text), {@code stream} (flag), {@code
 * messages} (count), {@code prompt_chars} (Unicode code points of the prompt, or of every message's
 * text), {@code max_tokens} ({@code max_tokens} or {@code max_completion_tokens}), {@code
 * temperature}, {@code top_p}, {@code n}, {@code presence_penalty}, {@code frequency_penalty},
 * {@code tools} (count).
 *
 * <p>Outputs: {@code finish_reason} (of the first choice that has one), {@code prompt_tokens} and
 * {@code completion_tokens} (from {@code usage}), {@code completion_chars} (code points generated,
 * all choices). A stream adds {@code ttft_seconds} (from the request reaching the sidecar to the
 * arrival of the first event that carries generated text, a reasoning delta or a tool call), {@code
 * inter_token_latency_seconds} (from that event to the last such event, divided by completion
 * tokens − 1, as vLLM's time per output token), and {@code completion_tokens} from the stream's
 * usage chunk when it has one, else the number of content events. Arrival times are those of the
 * reads the proxy noted ({@link StreamCapture}), so events that arrive in one read share a time.
 */
public final class OpenAiParser implements ExchangeParser {
  /** The chat completions path. */
  public static final String CHAT = "/v1/chat/completions";

  /** The (legacy) text completions path. */
  public static final String COMPLETIONS = "/v1/completions";

  private static final String[] NUMBER_PARAMS = {
    "temperature", "top_p", "n", "presence_penalty", "frequency_penalty"
  };

  @Override
  public Protocol protocol() {
    return Protocol.OPENAI;
  }

  @Override
  public boolean matches(String method, String path) {
    return "POST".equals(method) && (CHAT.equals(path) || COMPLETIONS.equals(path));
  }

  @Override
  public Payload parse(Exchange exchange) {
    List<String> errors = new ArrayList<>();
    Map<String, Value> features = new LinkedHashMap<>();
    String model = "";
    JsonNode request =
        JsonBodies.readObject(
            "request",
            exchange.requestBody(),
            exchange.requestTruncated(),
            exchange.requestHeaders(),
            errors);
    if (request != null) {
      model = request.path("model").asText("");
      readRequest(request, features);
    }
    Map<String, Value> outputs = new LinkedHashMap<>();
    int status = exchange.status();
    if (exchange.proxyError().isEmpty() && status >= 200 && status < 300) {
      String type = exchange.responseHeaders().getOrDefault("content-type", "");
      String responseModel;
      if (exchange.stream() != null
          || type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
        responseModel = readStream(exchange, outputs, errors);
      } else {
        responseModel = readResponse(exchange, outputs, errors);
      }
      if (model.isEmpty() && responseModel != null) {
        model = responseModel;
      }
    } else if (exchange.proxyError().isEmpty()) {
      errors.add(JsonBodies.errorResponse(status, exchange.responseBody()));
    }
    List<Row> rows =
        features.isEmpty() && outputs.isEmpty() ? List.of() : List.of(new Row(features, outputs));
    return new Payload(model, "", rows, errors);
  }

  private static void readRequest(JsonNode request, Map<String, Value> features) {
    JsonNode model = request.get("model");
    if (model != null && model.isTextual()) {
      features.put("model", JsonBodies.value(model));
    }
    features.put("stream", flag(request.path("stream").asBoolean(false)));
    JsonNode messages = request.get("messages");
    if (messages != null && messages.isArray()) {
      long chars = 0;
      for (JsonNode m : messages) {
        chars += textChars(m.get("content"));
      }
      features.put("messages", number(messages.size()));
      features.put("prompt_chars", number(chars));
    }
    JsonNode prompt = request.get("prompt");
    if (prompt != null && (prompt.isTextual() || prompt.isArray())) {
      features.put("prompt_chars", number(textChars(prompt)));
    }
    JsonNode maxTokens = request.get("max_tokens");
    if (maxTokens == null || !maxTokens.isNumber()) {
      maxTokens = request.get("max_completion_tokens");
    }
    if (maxTokens != null && maxTokens.isNumber()) {
      features.put("max_tokens", number(maxTokens.doubleValue()));
    }
    for (String name : NUMBER_PARAMS) {
      JsonNode v = request.get(name);
      if (v != null && v.isNumber()) {
        features.put(name, number(v.doubleValue()));
      }
    }
    JsonNode tools = request.get("tools");
    if (tools != null && tools.isArray()) {
      features.put("tools", number(tools.size()));
    }
  }

  /** Code points of a text, of the texts of an array of strings or of content parts. */
  private static long textChars(JsonNode content) {
    if (content == null) {
      return 0;
    }
    if (content.isTextual()) {
      String s = content.asText();
      return s.codePointCount(0, s.length());
    }
    long chars = 0;
    if (content.isArray()) {
      for (JsonNode part : content) {
        chars += part.isTextual() ? textChars(part) : textChars(part.get("text"));
      }
    }
    return chars;
  }

  /** Reads a whole JSON answer; returns the model it names. */
  private static String readResponse(
      Exchange exchange, Map<String, Value> outputs, List<String> errors) {
    JsonNode root =
        JsonBodies.readObject(
            "response",
            exchange.responseBody(),
            exchange.responseTruncated(),
            exchange.responseHeaders(),
            errors);
    if (root == null) {
      return null;
    }
    String finish = null;
    long chars = 0;
    for (JsonNode choice : root.path("choices")) {
      if (finish == null && choice.path("finish_reason").isTextual()) {
        finish = choice.path("finish_reason").asText();
      }
      chars += textChars(choice.path("message").get("content"));
      chars += textChars(choice.get("text"));
    }
    if (finish != null) {
      outputs.put("finish_reason", text(finish));
    }
    putUsage(root.get("usage"), outputs);
    outputs.put("completion_chars", number(chars));
    String model = root.path("model").asText("");
    return model.isEmpty() ? null : model;
  }

  private static void putUsage(JsonNode usage, Map<String, Value> outputs) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    if (usage.path("prompt_tokens").isNumber()) {
      outputs.put("prompt_tokens", number(usage.get("prompt_tokens").doubleValue()));
    }
    if (usage.path("completion_tokens").isNumber()) {
      outputs.put("completion_tokens", number(usage.get("completion_tokens").doubleValue()));
    }
  }

  /** What one pass over a stream's events found. */
  private static final class StreamState {
    long contentEvents;
    long firstContentEnd = -1;
    long lastContentEnd = -1;
    long chars;
    String finishReason;
    JsonNode usage;
    String model;
    boolean badEvent;
    String error;
  }

  /** Reads a server-sent-events answer; returns the model it names. */
  private static String readStream(
      Exchange exchange, Map<String, Value> outputs, List<String> errors) {
    StreamCapture sc = exchange.stream();
    byte[] head = exchange.responseBody();
    StreamState state = new StreamState();
    SseEvents.Consumer consumer = (data, end) -> event(data, end, state);
    long seen;
    boolean gap;
    if (sc == null || sc.tail().length == 0 || sc.tailOffset() == head.length) {
      byte[] body = head;
      if (sc != null && sc.tail().length > 0) {
        body = new byte[head.length + sc.tail().length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(sc.tail(), 0, body, head.length, sc.tail().length);
      }
      seen = SseEvents.read(body, 0, body.length, 0, consumer);
      gap = sc == null ? exchange.responseTruncated() : sc.totalBytes() > body.length;
    } else {
      seen = SseEvents.read(head, 0, head.length, 0, consumer);
      byte[] tail = sc.tail();
      int start = SseEvents.firstBoundary(tail, 0, tail.length);
      seen += SseEvents.read(tail, start, tail.length, sc.tailOffset(), consumer);
      gap = true;
    }
    if (state.badEvent) {
      errors.add("response: a stream event is not JSON");
    }
    if (state.error != null) {
      errors.add("response: stream error: " + JsonBodies.clip(state.error));
    }
    // Events in the part of a long stream that was not kept are generated text: the events that
    // are not (the first, the finish, the usage, [DONE]) come at its two ends.
    long unseen = sc == null || !gap ? 0 : Math.max(0, sc.dataEvents() - seen);
    if (gap && sc == null) {
      errors.add("response: stream truncated at " + head.length + " bytes; token counts unknown");
    }
    long contentEvents = state.contentEvents + unseen;
    if (state.finishReason != null) {
      outputs.put("finish_reason", text(state.finishReason));
    }
    putUsage(state.usage, outputs);
    Value usageTokens = outputs.get("completion_tokens");
    double tokens = usageTokens != null ? usageTokens.getNumber() : contentEvents;
    if (usageTokens == null && !(gap && sc == null)) {
      outputs.put("completion_tokens", number(tokens));
    }
    if (!gap) {
      outputs.put("completion_chars", number(state.chars));
    }
    long firstEnd = state.firstContentEnd;
    long lastEnd = state.lastContentEnd;
    if (sc != null && gap && unseen > 0) {
      // Events not kept lie between the head and the tail. When no content event was seen in the
      // head, the first one straddles or follows the head's end; when none was seen in the tail,
      // the last one straddles or precedes the tail's start. With one event per read (as token
      // streams arrive), the reads at those two offsets are the ones that carried them.
      if (firstEnd < 0 || firstEnd >= head.length) {
        firstEnd = head.length;
      }
      if (lastEnd < sc.tailOffset()) {
        lastEnd = sc.tailOffset();
      }
    }
    if (sc != null && firstEnd >= 0) {
      long first = sc.arrivalNanos(firstEnd);
      if (first >= 0) {
        outputs.put("ttft_seconds", number(first / 1e9));
      }
      long last = sc.arrivalNanos(lastEnd);
      if (first >= 0 && last >= first && tokens >= 2) {
        outputs.put("inter_token_latency_seconds", number((last - first) / 1e9 / (tokens - 1)));
      }
    }
    return state.model;
  }

  private static void event(String data, long end, StreamState state) {
    String trimmed = data.trim();
    if (trimmed.equals("[DONE]") || trimmed.isEmpty()) {
      return;
    }
    JsonNode chunk;
    try {
      chunk = JsonBodies.JSON.readTree(trimmed);
    } catch (JacksonException e) {
      state.badEvent = true;
      return;
    }
    if (chunk == null || !chunk.isObject()) {
      state.badEvent = true;
      return;
    }
    String error = JsonBodies.errorMessage(chunk);
    if (error != null && state.error == null) {
      state.error = error;
    }
    if (state.model == null && chunk.path("model").isTextual()) {
      state.model = chunk.get("model").asText();
    }
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.isObject()) {
      state.usage = usage;
    }
    boolean content = false;
    for (JsonNode choice : chunk.path("choices")) {
      JsonNode delta = choice.get("delta");
      long chars = 0;
      if (delta != null) {
        chars += textChars(delta.get("content"));
        long reasoning =
            textChars(delta.get("reasoning_content")) + textChars(delta.get("reasoning"));
        JsonNode toolCalls = delta.get("tool_calls");
        content |= reasoning > 0 || (toolCalls != null && !toolCalls.isEmpty());
      }
      chars += textChars(choice.get("text"));
      content |= chars > 0;
      state.chars += chars;
      JsonNode finish = choice.get("finish_reason");
      if (finish != null && finish.isTextual()) {
        state.finishReason = finish.asText();
      }
    }
    if (content) {
      state.contentEvents++;
      if (state.firstContentEnd < 0) {
        state.firstContentEnd = end;
      }
      state.lastContentEnd = end;
    }
  }

  private static Value number(double v) {
    return Value.newBuilder().setNumber(v).build();
  }

  private static Value text(String v) {
    return Value.newBuilder().setText(v).build();
  }

  private static Value flag(boolean v) {
    return Value.newBuilder().setFlag(v).build();
  }
}
