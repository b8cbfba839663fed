package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import java.util.List;
import java.util.Map;

/**
 * Reads one serving protocol (KServe v2 and v1 REST, OpenAI completions, generic JSON, KServe
 * logger CloudEvents): which requests it claims, and how their payloads become feature and output
 * rows.
 */
public interface ExchangeParser {

  /** The protocol written into each record. */
  Protocol protocol();

  /**
   * Whether this parser reads requests of this method and path. Called on the event loop for every
   * request: it must be cheap and must not block.
   */
  boolean matches(String method, String path);

  /**
   * Reads an exchange's payloads. Called on the capture worker. Never throws for bad payloads: what
   * could not be read is described in {@link Payload#errors()}.
   */
  Payload parse(Exchange exchange);

  /**
   * What a parser read from an exchange.
   *
   * @param model the model name the payload or path names; empty when neither does
   * @param modelVersion the model version the payload or path names; empty when neither does
   * @param rows one row per prediction in the batch, in batch order; may be empty
   * @param errors why some or all of the payload could not be read, e.g. {@code response: not JSON}
   */
  record Payload(String model, String modelVersion, List<Row> rows, List<String> errors) {
    public Payload {
      rows = List.copyOf(rows);
      errors = List.copyOf(errors);
    }
  }

  /** The features and outputs of one prediction, in the order the payload carried them. */
  record Row(Map<String, Value> features, Map<String, Value> outputs) {}
}
