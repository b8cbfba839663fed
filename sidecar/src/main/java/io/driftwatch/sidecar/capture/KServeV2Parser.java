package io.driftwatch.sidecar.capture;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the KServe v2 / Open Inference Protocol REST inference call: {@code POST
 * /v2/models/{name}[/versions/{version}]/infer} with JSON {@code inputs[]} and {@code outputs[]}
 * tensors.
 *
 * <p>Dimension 0 of every tensor is the batch: a tensor of shape {@code [B]} or {@code [B, 1]}
 * gives one scalar per row, {@code [B, k, …]} with more than one element per row gives a list of
 * numbers per row (an embedding, per-class scores). Values: numeric types → number, {@code BOOL} →
 * flag (a list of 0/1 when several per row), {@code BYTES} → text (a JSON array text when several
 * per row), JSON null → null. Data may be flat or nested (row-major), as the protocol allows.
 * Tensors sent with the binary-data extension are reported in the errors, not read.
 */
public final class KServeV2Parser implements ExchangeParser {
  private static final String PREFIX = "/v2/models/";
  private static final String SUFFIX = "/infer";
  private static final String VERSIONS = "/versions/";

  @Override
  public Protocol protocol() {
    return Protocol.KSERVE_V2_REST;
  }

  @Override
  public boolean matches(String method, String path) {
    return "POST".equals(method) && modelAndVersion(path) != null;
  }

  /** {name, version} from an inference path (version empty when absent); null for other paths. */
  static String[] modelAndVersion(String path) {
    if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
      return null;
    }
    if (path.length() <= PREFIX.length() + SUFFIX.length()) {
      return null;
    }
    String middle = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
    String name = middle;
    String version = "";
    int v = middle.indexOf(VERSIONS);
    if (v >= 0) {
      name = middle.substring(0, v);
      version = middle.substring(v + VERSIONS.length());
      if (version.isEmpty() || version.indexOf('/') >= 0) {
        return null;
      }
    }
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      return null;
    }
    return new String[] {name, version};
  }

  @Override
  public Payload parse(Exchange exchange) {
    List<String> errors = new ArrayList<>();
    String[] mv = modelAndVersion(exchange.path());
    String model = mv == null ? "" : mv[0];
    String version = mv == null ? "" : mv[1];

    List<Map<String, Value>> featureRows =
        readTensors(
            "request",
            "inputs",
            exchange.requestBody(),
            exchange.requestTruncated(),
            exchange.requestHeaders(),
            errors,
            null);

    List<Map<String, Value>> outputRows = List.of();
    int status = exchange.status();
    boolean modelAnswered = exchange.proxyError().isEmpty();
    if (modelAnswered && status >= 200 && status < 300) {
      JsonNode[] root = new JsonNode[1];
      outputRows =
          readTensors(
              "response",
              "outputs",
              exchange.responseBody(),
              exchange.responseTruncated(),
              exchange.responseHeaders(),
              errors,
              root);
      if (root[0] != null) {
        if (model.isEmpty()) {
          model = root[0].path("model_name").asText("");
        }
        if (version.isEmpty()) {
          version = root[0].path("model_version").asText("");
        }
      }
    } else if (modelAnswered) {
      errors.add(errorResponse(exchange));
    }

    List<Row> out = Rows.zip(featureRows, outputRows, errors);
    return new Payload(model, version, out, errors);
  }

  /** The error description of a non-2xx answer from the model: its {@code error} text if any. */
  static String errorResponse(Exchange exchange) {
    return JsonBodies.errorResponse(exchange.status(), exchange.responseBody());
  }

  /**
   * Reads the tensors of one side into rows.
   *
   * <p>The body is read in one streaming pass ({@link #readStreaming}); the few bodies that pass
   * cannot read exactly as the tree reading does ({@link #readTensorsTree}, the reference) are read
   * again by the tree, so rows and errors are the tree's for every body.
   *
   * @param side "request" or "response", the prefix of error messages
   * @param field "inputs" or "outputs"
   * @param rootOut when not null, receives the JSON root when it is an object: with the streaming
   *     read, an object holding only the root's {@code model_name} and {@code model_version} (the
   *     fields callers read), as the tree holds them
   * @return one map per batch row, empty when nothing could be read
   */
  static List<Map<String, Value>> readTensors(
      String side,
      String field,
      byte[] body,
      boolean truncated,
      Map<String, String> headers,
      List<String> errors,
      JsonNode[] rootOut) {
    int jsonLength = jsonLength(side, body, headers, errors);
    if (jsonLength < 0) {
      return List.of();
    }
    if (STREAMING) {
      List<String> streamed = new ArrayList<>(0);
      List<Map<String, Value>> rows =
          readStreaming(side, field, body, jsonLength, streamed, rootOut);
      if (rows != null) {
        errors.addAll(streamed);
        return rows;
      }
    }
    return readTree(side, field, body, jsonLength, truncated, errors, rootOut);
  }

  /**
   * The tree reading of {@link #readTensors}: the whole body as a Jackson tree, then walked. It is
   * the reference the streaming read matches, and reads the bodies that read falls back on.
   */
  static List<Map<String, Value>> readTensorsTree(
      String side,
      String field,
      byte[] body,
      boolean truncated,
      Map<String, String> headers,
      List<String> errors,
      JsonNode[] rootOut) {
    int jsonLength = jsonLength(side, body, headers, errors);
    if (jsonLength < 0) {
      return List.of();
    }
    return readTree(side, field, body, jsonLength, truncated, errors, rootOut);
  }

  /**
   * The length of the JSON part of a body (all of it, or the JSON header of the binary-data
   * extension); -1, with the reason in {@code errors}, when the body is not to be read as JSON.
   */
  private static int jsonLength(
      String side, byte[] body, Map<String, String> headers, List<String> errors) {
    String encoding = headers.getOrDefault("content-encoding", "");
    if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
      errors.add(side + ": content-encoding " + JsonBodies.clip(encoding) + " not read");
      return -1;
    }
    int jsonLength = body.length;
    String binaryHeader = headers.get("inference-header-content-length");
    if (binaryHeader != null) {
      try {
        jsonLength = Math.min(body.length, Integer.parseInt(binaryHeader.trim()));
      } catch (NumberFormatException e) {
        errors.add(
            side
                + ": inference-header-content-length "
                + JsonBodies.clip(binaryHeader)
                + " not read");
        return -1;
      }
    }
    if (jsonLength == 0) {
      errors.add(side + ": empty body");
      return -1;
    }
    if (!JsonBodies.looksLikeJson(body)) {
      errors.add(side + ": not JSON");
      return -1;
    }
    return jsonLength;
  }

  private static List<Map<String, Value>> readTree(
      String side,
      String field,
      byte[] body,
      int jsonLength,
      boolean truncated,
      List<String> errors,
      JsonNode[] rootOut) {
    JsonNode root;
    try {
      root = JsonBodies.JSON.readTree(body, 0, jsonLength);
    } catch (JacksonException e) {
      if (truncated) {
        errors.add(side + ": truncated at " + body.length + " bytes, not read");
      } else {
        errors.add(side + ": malformed JSON" + JsonBodies.where(e.getLocation()));
      }
      return List.of();
    } catch (IOException e) {
      errors.add(side + ": unreadable (" + JsonBodies.clip(e.getMessage()) + ")");
      return List.of();
    }
    if (root == null || !root.isObject()) {
      errors.add(side + ": JSON is not an object");
      return List.of();
    }
    if (rootOut != null) {
      rootOut[0] = root;
    }
    JsonNode tensors = root.get(field);
    if (tensors == null || !tensors.isArray()) {
      errors.add(side + ": no " + field + " array");
      return List.of();
    }
    List<Map<String, Value>> rows = new ArrayList<>();
    for (JsonNode tensor : tensors) {
      readTensor(side, tensor, rows, errors);
    }
    return rows;
  }

  private static void readTensor(
      String side, JsonNode tensor, List<Map<String, Value>> rows, List<String> errors) {
    String name = tensor.path("name").asText("");
    if (name.isEmpty()) {
      errors.add(side + ": tensor without a name");
      return;
    }
    String datatype = tensor.path("datatype").asText("").toUpperCase(Locale.ROOT);
    JsonNode data = tensor.get("data");
    if (data == null || data.isNull()) {
      if (tensor.path("parameters").has("binary_data_size")) {
        errors.add(side + ": tensor '" + JsonBodies.clip(name) + "' uses binary data, not read");
      } else {
        errors.add(side + ": tensor '" + JsonBodies.clip(name) + "' has no data");
      }
      return;
    }
    List<JsonNode> flat = new ArrayList<>();
    flatten(data, flat);

    JsonNode shapeNode = tensor.get("shape");
    long[] shape;
    if (shapeNode == null || !shapeNode.isArray()) {
      // Without a shape, a flat list is read as one value per row.
      shape = new long[] {flat.size()};
    } else {
      shape = new long[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        JsonNode d = shapeNode.get(i);
        if (!d.canConvertToLong() || d.asLong() < 0) {
          errors.add(
              side
                  + ": tensor '"
                  + JsonBodies.clip(name)
                  + "' has shape "
                  + JsonBodies.clip(shapeNode.toString()));
          return;
        }
        shape[i] = d.asLong();
      }
    }
    long batch = shape.length == 0 ? 1 : shape[0];
    long perRow = 1;
    long total;
    try {
      for (int i = 1; i < shape.length; i++) {
        perRow = Math.multiplyExact(perRow, shape[i]);
      }
      total = Math.multiplyExact(batch, perRow);
    } catch (ArithmeticException e) {
      total = -1;
    }
    if (total != flat.size()) {
      errors.add(
          side
              + ": tensor '"
              + JsonBodies.clip(name)
              + "' has "
              + flat.size()
              + " values for shape "
              + JsonBodies.clip(shapeNode == null ? "[]" : shapeNode.toString()));
      return;
    }
    boolean list = perRow != 1;
    for (int r = 0; r < batch; r++) {
      while (rows.size() <= r) {
        rows.add(new LinkedHashMap<>());
      }
      int from = (int) (r * perRow);
      Value v =
          list
              ? listValue(flat.subList(from, (int) (from + perRow)), datatype)
              : scalar(flat.get(from), datatype);
      rows.get(r).put(name, v);
    }
  }

  private static void flatten(JsonNode node, List<JsonNode> out) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        flatten(child, out);
      }
    } else {
      out.add(node);
    }
  }

  static Value scalar(JsonNode node, String datatype) {
    if (node.isNull()) {
      return Value.newBuilder().setNull(true).build();
    }
    switch (datatype) {
      case "BYTES":
        return Value.newBuilder()
            .setText(node.isTextual() ? node.asText() : node.toString())
            .build();
      case "BOOL":
        if (node.isBoolean()) {
          return Value.newBuilder().setFlag(node.booleanValue()).build();
        }
        if (node.isNumber()) {
          return Value.newBuilder().setFlag(node.doubleValue() != 0.0).build();
        }
        return Value.newBuilder().setText(node.asText()).build();
      default:
        if (node.isNumber()) {
          return Value.newBuilder().setNumber(node.doubleValue()).build();
        }
        if (node.isBoolean()) {
          return Value.newBuilder().setFlag(node.booleanValue()).build();
        }
        if (node.isTextual()) {
          Double d = parseNumber(node.asText());
          return d != null
              ? Value.newBuilder().setNumber(d).build()
              : Value.newBuilder().setText(node.asText()).build();
        }
        return Value.newBuilder().setText(node.toString()).build();
    }
  }

  private static Value listValue(List<JsonNode> nodes, String datatype) {
    if ("BYTES".equals(datatype)) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < nodes.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(nodes.get(i).toString());
      }
      return Value.newBuilder().setText(sb.append(']').toString()).build();
    }
    NumberList.Builder numbers = NumberList.newBuilder();
    for (JsonNode n : nodes) {
      if (n.isNumber()) {
        numbers.addValues(n.doubleValue());
      } else if (n.isBoolean()) {
        numbers.addValues(n.booleanValue() ? 1.0 : 0.0);
      } else {
        Double d = n.isTextual() ? parseNumber(n.asText()) : null;
        numbers.addValues(d != null ? d : Double.NaN);
      }
    }
    return Value.newBuilder().setNumbers(numbers).build();
  }

  private static Double parseNumber(String s) {
    try {
      return Double.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The streaming read. Building the Jackson tree of a body was half the capture thread's time;
  // this pass reads the same tokens once and keeps numbers as doubles. Whatever it cannot give
  // exactly as the tree reading does, it leaves to that reading (returns null): a body that is not
  // well-formed (so the error text, with its location and the truncation rule, is the tree's), a
  // root that is not an object, a repeated key the tree would resolve (the last one wins there), a
  // tensor name or shape dimension that is not a plain integer or string (the tree writes Jackson's
  // own text of such values), and BYTES values that are numbers (the tree writes their node text,
  // e.g. 1e2 as 100.0). These are rare in real traffic; the common numeric case allocates one
  // double per value and no nodes.
  // ---------------------------------------------------------------------------------------------

  /**
   * Whether the streaming read may be used: it turns each number into a double with the parser's
   * own {@code getDoubleValue()}, which is what the tree holds unless the shared mapper makes
   * decimal nodes of floats.
   */
  private static final boolean STREAMING =
      !JsonBodies.JSON.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final int NAME = 1;
  private static final int DATATYPE = 2;
  private static final int SHAPE = 4;
  private static final int DATA = 8;
  private static final int PARAMETERS = 16;

  /**
   * Reads the tensors in one streaming pass.
   *
   * @param errors receives this side's errors; only to be used when rows are returned
   * @return the rows, or null when the tree reading must read this body instead
   */
  static List<Map<String, Value>> readStreaming(
      String side,
      String field,
      byte[] body,
      int jsonLength,
      List<String> errors,
      JsonNode[] rootOut) {
    try (JsonParser p = JsonBodies.JSON.createParser(body, 0, jsonLength)) {
      // Decimal text to double was a third of this read. Jackson's fast parser rounds correctly,
      // as Double.parseDouble (the tree's) does, so the doubles are the same; enabled on this
      // parser only, the shared mapper unchanged.
      p.enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      ObjectNode root = rootOut == null ? null : JsonBodies.JSON.getNodeFactory().objectNode();
      List<Map<String, Value>> rows = null;
      boolean seen = false;
      Values values = new Values();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        t = p.nextToken();
        if (key.equals(field)) {
          if (seen) {
            return null;
          }
          seen = true;
          if (t == JsonToken.START_ARRAY) {
            rows = new ArrayList<>();
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
              if (!streamTensor(side, p, t, rows, errors, values)) {
                return null;
              }
            }
          } else {
            p.skipChildren();
          }
        } else if (root != null && (key.equals("model_name") || key.equals("model_version"))) {
          // Any other value type is read as the tree would hold it; the last of repeated keys wins
          // as in the tree.
          root.set(
              key,
              t == JsonToken.VALUE_STRING
                  ? TextNode.valueOf(p.getText())
                  : JsonBodies.JSON.readTree(p));
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return null;
      }
      if (rootOut != null) {
        rootOut[0] = root;
      }
      if (rows == null) {
        errors.add(side + ": no " + field + " array");
        return List.of();
      }
      return rows;
    } catch (IOException e) {
      // Malformed or truncated: the tree reading gives the error text (errors are rare).
      return null;
    }
  }

  /**
   * Reads one element of the tensor array, its first token {@code t} already read, and adds its
   * values to the rows as {@link #readTensor} does.
   *
   * @return false when the tree reading must read the body instead
   */
  private static boolean streamTensor(
      String side,
      JsonParser p,
      JsonToken t,
      List<Map<String, Value>> rows,
      List<String> errors,
      Values values)
      throws IOException {
    if (t != JsonToken.START_OBJECT) {
      // The tree reads no name from a non-object element.
      p.skipChildren();
      errors.add(side + ": tensor without a name");
      return true;
    }
    int keys = 0;
    String name = "";
    String datatype = "";
    boolean hasData = false;
    boolean binary = false;
    boolean shapeArray = false;
    values.clear();
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      t = p.nextToken();
      int bit = keyBit(key);
      if (bit != 0) {
        if ((keys & bit) != 0) {
          return false;
        }
        keys |= bit;
      }
      switch (bit) {
        case NAME:
          if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return false;
          }
          name = text(p, t);
          break;
        case DATATYPE:
          // A number's text is never BYTES or BOOL, so all non-strings read alike here.
          datatype =
              t == JsonToken.VALUE_STRING ? p.getText().toUpperCase(Locale.ROOT) : skip(p, "");
          break;
        case SHAPE:
          shapeArray = t == JsonToken.START_ARRAY;
          if (shapeArray) {
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
              if (t != JsonToken.VALUE_NUMBER_INT
                  || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return false;
              }
              values.addDim(p.getLongValue());
            }
          } else {
            p.skipChildren();
          }
          break;
        case DATA:
          hasData = t != JsonToken.VALUE_NULL;
          if (hasData && !collect(p, t, values)) {
            return false;
          }
          break;
        case PARAMETERS:
          if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              binary |= p.currentName().equals("binary_data_size");
              p.nextToken();
              p.skipChildren();
            }
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
    if ("BYTES".equals(datatype) && values.anyNumber()) {
      return false;
    }
    addTensor(side, name, datatype, hasData, binary, shapeArray, values, rows, errors);
    return true;
  }

  private static int keyBit(String key) {
    switch (key) {
      case "name":
        return NAME;
      case "datatype":
        return DATATYPE;
      case "shape":
        return SHAPE;
      case "data":
        return DATA;
      case "parameters":
        return PARAMETERS;
      default:
        return 0;
    }
  }

  /** The tree's {@code asText("")} of a string, boolean, null, object or array value. */
  private static String text(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
        return "true";
      case VALUE_FALSE:
        return "false";
      default:
        return skip(p, "");
    }
  }

  private static String skip(JsonParser p, String result) throws IOException {
    p.skipChildren();
    return result;
  }

  /** Adds a data value, arrays flattened row-major as {@link #flatten} does. */
  private static boolean collect(JsonParser p, JsonToken t, Values values) throws IOException {
    switch (t) {
      case START_ARRAY:
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (!collect(p, t, values)) {
            return false;
          }
        }
        return true;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        // The same double as the tree node's doubleValue(): Jackson converts int, long and big
        // integer tokens with correct rounding either way, and floats are double nodes.
        values.addNumber(p.getDoubleValue());
        return true;
      case VALUE_STRING:
        values.addNode(TextNode.valueOf(p.getText()));
        return true;
      case VALUE_TRUE:
        values.addNode(BooleanNode.TRUE);
        return true;
      case VALUE_FALSE:
        values.addNode(BooleanNode.FALSE);
        return true;
      case VALUE_NULL:
        values.addNode(NullNode.getInstance());
        return true;
      case START_OBJECT:
        // Rare: the tree writes an object value as its JSON text, so read it as that node.
        values.addNode(JsonBodies.JSON.readTree(p));
        return true;
      default:
        return false;
    }
  }

  /** {@link #readTensor} on the streamed fields of one tensor. */
  private static void addTensor(
      String side,
      String name,
      String datatype,
      boolean hasData,
      boolean binary,
      boolean shapeArray,
      Values values,
      List<Map<String, Value>> rows,
      List<String> errors) {
    if (name.isEmpty()) {
      errors.add(side + ": tensor without a name");
      return;
    }
    if (!hasData) {
      if (binary) {
        errors.add(side + ": tensor '" + JsonBodies.clip(name) + "' uses binary data, not read");
      } else {
        errors.add(side + ": tensor '" + JsonBodies.clip(name) + "' has no data");
      }
      return;
    }
    int size = values.size;
    long[] shape;
    if (!shapeArray) {
      shape = new long[] {size};
    } else {
      shape = Arrays.copyOf(values.dims, values.ndims);
      for (long d : shape) {
        if (d < 0) {
          errors.add(
              side
                  + ": tensor '"
                  + JsonBodies.clip(name)
                  + "' has shape "
                  + JsonBodies.clip(values.shapeText()));
          return;
        }
      }
    }
    long batch = shape.length == 0 ? 1 : shape[0];
    long perRow = 1;
    long total;
    try {
      for (int i = 1; i < shape.length; i++) {
        perRow = Math.multiplyExact(perRow, shape[i]);
      }
      total = Math.multiplyExact(batch, perRow);
    } catch (ArithmeticException e) {
      total = -1;
    }
    if (total != size) {
      errors.add(
          side
              + ": tensor '"
              + JsonBodies.clip(name)
              + "' has "
              + size
              + " values for shape "
              + JsonBodies.clip(values.shapeText()));
      return;
    }
    boolean list = perRow != 1;
    for (int r = 0; r < batch; r++) {
      while (rows.size() <= r) {
        rows.add(new LinkedHashMap<>());
      }
      int from = (int) (r * perRow);
      Value v =
          list
              ? values.listValue(from, (int) (from + perRow), datatype)
              : values.scalar(from, datatype);
      rows.get(r).put(name, v);
    }
  }

  /**
   * The flat data values of one tensor (numbers as doubles; other values as the nodes the tree
   * holds, kept only once one appears) and its shape dimensions; reused from tensor to tensor.
   */
  private static final class Values {
    double[] numbers = new double[16];
    JsonNode[] nodes;
    int size;
    int nodeCount;
    long[] dims = new long[4];
    int ndims;

    void clear() {
      if (nodeCount > 0) {
        Arrays.fill(nodes, 0, size, null);
        nodeCount = 0;
      }
      size = 0;
      ndims = 0;
    }

    void addNumber(double d) {
      if (size == numbers.length) {
        grow();
      }
      numbers[size++] = d;
    }

    void addNode(JsonNode node) {
      if (size == numbers.length) {
        grow();
      }
      if (nodes == null) {
        nodes = new JsonNode[numbers.length];
      }
      nodes[size++] = node;
      nodeCount++;
    }

    private void grow() {
      numbers = Arrays.copyOf(numbers, numbers.length * 2);
      if (nodes != null) {
        nodes = Arrays.copyOf(nodes, numbers.length);
      }
    }

    boolean anyNumber() {
      return nodeCount < size;
    }

    void addDim(long d) {
      if (ndims == dims.length) {
        dims = Arrays.copyOf(dims, ndims * 2);
      }
      dims[ndims++] = d;
    }

    /** The shape as the tree node's JSON text: integers only, so {@code [2,3]}. */
    String shapeText() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < ndims; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(dims[i]);
      }
      return sb.append(']').toString();
    }

    private JsonNode node(int i) {
      return nodeCount == 0 ? null : nodes[i];
    }

    /** {@link KServeV2Parser#scalar} of value i; a number is never BYTES here. */
    Value scalar(int i, String datatype) {
      JsonNode node = node(i);
      if (node != null) {
        return KServeV2Parser.scalar(node, datatype);
      }
      if ("BOOL".equals(datatype)) {
        return Value.newBuilder().setFlag(numbers[i] != 0.0).build();
      }
      return Value.newBuilder().setNumber(numbers[i]).build();
    }

    /** {@link KServeV2Parser#listValue} of values [from, to); BYTES values are all nodes here. */
    Value listValue(int from, int to, String datatype) {
      if ("BYTES".equals(datatype)) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = from; i < to; i++) {
          if (i > from) {
            sb.append(',');
          }
          sb.append(nodes[i].toString());
        }
        return Value.newBuilder().setText(sb.append(']').toString()).build();
      }
      NumberList.Builder list = NumberList.newBuilder();
      for (int i = from; i < to; i++) {
        JsonNode n = node(i);
        if (n == null) {
          list.addValues(numbers[i]);
        } else if (n.isNumber()) {
          list.addValues(n.doubleValue());
        } else if (n.isBoolean()) {
          list.addValues(n.booleanValue() ? 1.0 : 0.0);
        } else {
          Double d = n.isTextual() ? parseNumber(n.asText()) : null;
          list.addValues(d != null ? d : Double.NaN);
        }
      }
      return Value.newBuilder().setNumbers(list).build();
    }
  }
}
