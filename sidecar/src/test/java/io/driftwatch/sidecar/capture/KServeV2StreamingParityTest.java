package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftwatch.schema.v1.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming read of {@link KServeV2Parser#readTensors} gives the same rows, in the same order,
 * and the same errors as the tree read it replaced, for seeded random KServe v2 bodies: well-formed
 * ones of every datatype and shape, odd ones (nulls, numbers as text, booleans in numeric tensors,
 * objects as values, repeated keys, missing fields) and broken ones (truncated, malformed, binary
 * extension, compressed).
 *
 * <p>The expected values are not written here: they come from {@link
 * KServeV2Parser#readTensorsTree}, the tree-based reading kept in the parser as the reference, and
 * for the model name and version from Jackson's own tree of the body.
 */
class KServeV2StreamingParityTest {
  private static final String[] DATATYPES = {
    "FP32", "FP64", "INT64", "INT32", "UINT8", "BOOL", "BYTES", "fp32", "bytes", "Bool", "FP16", ""
  };

  @Test
  void streamingReadMatchesTheTreeReadOnRandomBodies() {
    int streamed = 0;
    int bodies = 6000;
    for (int i = 0; i < bodies; i++) {
      long seed = 0x5eed0000L + i;
      Random random = new Random(seed);
      boolean request = random.nextBoolean();
      String field = request ? "inputs" : "outputs";
      Body body = body(random, field);
      String what = "seed " + seed + ": " + new String(body.bytes, StandardCharsets.UTF_8);
      List<String> streamErrors = new ArrayList<>();
      List<String> treeErrors = new ArrayList<>();
      JsonNode[] streamRoot = new JsonNode[1];
      JsonNode[] treeRoot = new JsonNode[1];
      String side = request ? "request" : "response";
      List<Map<String, Value>> streamRows =
          KServeV2Parser.readTensors(
              side, field, body.bytes, body.truncated, body.headers, streamErrors, streamRoot);
      List<Map<String, Value>> treeRows =
          KServeV2Parser.readTensorsTree(
              side, field, body.bytes, body.truncated, body.headers, treeErrors, treeRoot);

      assertThat(streamErrors).as(what).isEqualTo(treeErrors);
      assertThat(ordered(streamRows)).as(what).isEqualTo(ordered(treeRows));
      assertThat(streamRoot[0] == null).as(what).isEqualTo(treeRoot[0] == null);
      if (treeRoot[0] != null) {
        for (String key : List.of("model_name", "model_version")) {
          String expected = treeRoot[0].path(key).asText("");
          assertThat(streamRoot[0].path(key).asText("")).as(what).isEqualTo(expected);
        }
      }
      if (body.streamable) {
        List<String> errors = new ArrayList<>();
        boolean read =
            KServeV2Parser.readStreaming(
                    side, field, body.bytes, body.bytes.length, errors, new JsonNode[1])
                != null;
        assertThat(read).as("streamed without falling back: " + what).isTrue();
        streamed++;
      }
    }
    // The plain bodies above all went through the streaming read, not the fallback.
    assertThat(streamed).isGreaterThan(bodies / 10);
  }

  @Test
  void modelNameAndVersionAreJacksonsTextOfAnyValue() throws Exception {
    String[] values = {"\"m\"", "7", "1e2", "1.50", "true", "null", "{\"a\":1}", "[1]", "\"\""};
    for (String name : values) {
      for (String version : values) {
        String json =
            "{\"model_name\":"
                + name
                + ",\"outputs\":[],\"model_version\":"
                + version
                + ",\"model_name\":"
                + name
                + "}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonNode jackson = JsonBodies.JSON.readTree(bytes);
        JsonNode[] root = new JsonNode[1];
        KServeV2Parser.readTensors(
            "response", "outputs", bytes, false, Map.of(), new ArrayList<>(), root);
        assertThat(root[0].path("model_name").asText(""))
            .as(json)
            .isEqualTo(jackson.path("model_name").asText(""));
        assertThat(root[0].path("model_version").asText(""))
            .as(json)
            .isEqualTo(jackson.path("model_version").asText(""));
      }
    }
  }

  @Test
  void typicalBodiesAreStreamed() {
    StringBuilder request = new StringBuilder("{\"id\":\"bench\",\"inputs\":[");
    for (int i = 0; i < 16; i++) {
      request
          .append(i == 0 ? "" : ",")
          .append("{\"name\":\"f")
          .append(i < 10 ? "0" : "")
          .append(i)
          .append("\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[")
          .append(i * 0.37)
          .append("]}");
    }
    request.append("]}");
    String response =
        "{\"model_name\":\"bench\",\"model_version\":\"1\",\"id\":\"bench\",\"outputs\":[{\"name\":"
            + "\"probability\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[0.25]}]}";
    for (String[] sideBody :
        List.of(new String[] {"inputs", request.toString()}, new String[] {"outputs", response})) {
      byte[] bytes = sideBody[1].getBytes(StandardCharsets.UTF_8);
      List<String> errors = new ArrayList<>();
      JsonNode[] root = new JsonNode[1];
      List<Map<String, Value>> rows =
          KServeV2Parser.readStreaming("side", sideBody[0], bytes, bytes.length, errors, root);
      assertThat(rows).isNotNull().hasSize(1);
      assertThat(errors).isEmpty();
      List<String> treeErrors = new ArrayList<>();
      assertThat(ordered(rows))
          .isEqualTo(
              ordered(
                  KServeV2Parser.readTensorsTree(
                      "side", sideBody[0], bytes, false, Map.of(), treeErrors, new JsonNode[1])));
    }
  }

  @Test
  void decimalTextGivesTheTreesDoubles() {
    // The streaming read parses decimals with Jackson's fast parser, the tree with
    // Double.parseDouble: both round correctly, and this holds them to the same bits on long
    // mantissas, halfway cases and extreme exponents.
    Random random = new Random(0x0d0b1eL);
    for (int batch = 0; batch < 200; batch++) {
      List<String> numbers = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        numbers.add(decimal(random));
      }
      byte[] body =
          ("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP64\",\"data\":["
                  + String.join(",", numbers)
                  + "]}]}")
              .getBytes(StandardCharsets.UTF_8);
      List<String> errors = new ArrayList<>();
      List<Map<String, Value>> streamed =
          KServeV2Parser.readStreaming("request", "inputs", body, body.length, errors, null);
      List<Map<String, Value>> tree =
          KServeV2Parser.readTensorsTree(
              "request", "inputs", body, false, Map.of(), new ArrayList<>(), null);
      assertThat(streamed).as(numbers.toString()).isNotNull().isEqualTo(tree);
      for (int i = 0; i < numbers.size(); i++) {
        assertThat(Double.doubleToRawLongBits(streamed.get(i).get("x").getNumber()))
            .as(numbers.get(i))
            .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(numbers.get(i))));
      }
    }
  }

  private static String decimal(Random random) {
    switch (random.nextInt(5)) {
      case 0:
        return Double.toString(Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL));
      case 1:
        {
          // Halfway between two neighbouring doubles, written out in full.
          double d = random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
          return new java.math.BigDecimal(d)
              .add(new java.math.BigDecimal(Math.nextUp(d)))
              .divide(java.math.BigDecimal.valueOf(2))
              .toString();
        }
      case 2:
        return (random.nextBoolean() ? "-" : "")
            + random.nextInt(10)
            + "."
            + Long.toString(Math.abs(random.nextLong()))
            + Long.toString(Math.abs(random.nextLong()))
            + "e"
            + (random.nextInt(640) - 330);
      case 3:
        return String.format(Locale.ROOT, "%.3f", random.nextGaussian() * 100);
      default:
        return Double.toString(random.nextGaussian());
    }
  }

  /** Rows with their entries as lists, so that the comparison also checks the order of keys. */
  private static List<List<Map.Entry<String, Value>>> ordered(List<Map<String, Value>> rows) {
    List<List<Map.Entry<String, Value>>> out = new ArrayList<>();
    for (Map<String, Value> row : rows) {
      out.add(new ArrayList<>(row.entrySet()));
    }
    return out;
  }

  /** A generated body, its headers, and whether the streaming read must take it without help. */
  private record Body(
      byte[] bytes, boolean truncated, Map<String, String> headers, boolean streamable) {}

  private static Body body(Random random, String field) {
    // Plain bodies only use what the streaming read reads itself; the others anything at all.
    boolean plain = random.nextInt(4) == 0;
    String json = root(random, field, plain);
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    boolean truncated = false;
    if (plain) {
      return new Body(bytes, false, headers, true);
    }
    int damage = random.nextInt(20);
    if (damage == 0 && bytes.length > 1) {
      int cut = 1 + random.nextInt(bytes.length - 1);
      bytes = Arrays.copyOf(bytes, cut);
      truncated = random.nextInt(3) > 0;
    } else if (damage == 1 && bytes.length > 2) {
      bytes[1 + random.nextInt(bytes.length - 2)] =
          (byte) "{}[],:\"x0 -".charAt(random.nextInt(11));
    } else if (damage == 2) {
      // The binary-data extension: the JSON header, then the tensor bytes.
      byte[] withBinary = Arrays.copyOf(bytes, bytes.length + 8);
      for (int i = bytes.length; i < withBinary.length; i++) {
        withBinary[i] = (byte) random.nextInt(256);
      }
      int length = bytes.length - (random.nextInt(4) == 0 ? random.nextInt(bytes.length) : 0);
      headers.put("inference-header-content-length", " " + length + " ");
      bytes = withBinary;
    } else if (damage == 3) {
      headers.put("inference-header-content-length", random.nextBoolean() ? "abc" : "0");
    } else if (damage == 4) {
      headers.put("content-encoding", random.nextBoolean() ? "gzip" : "identity");
    } else if (damage == 5) {
      bytes = ("  \n" + json).getBytes(StandardCharsets.UTF_8);
    } else if (damage == 6) {
      bytes = ("[" + json + "]").getBytes(StandardCharsets.UTF_8);
    } else if (damage == 7) {
      bytes = (json + (random.nextBoolean() ? " trailing" : "}")).getBytes(StandardCharsets.UTF_8);
    } else if (damage == 8) {
      bytes = new byte[0];
    } else if (damage == 9) {
      bytes = "not json".getBytes(StandardCharsets.UTF_8);
    }
    return new Body(bytes, truncated, headers, false);
  }

  private static String root(Random random, String field, boolean plain) {
    List<String> fields = new ArrayList<>();
    fields.add("\"id\":\"" + random.nextInt(1000) + "\"");
    int tensorsForm = plain ? 0 : random.nextInt(12);
    if (tensorsForm == 1) {
      // no tensor array at all
    } else if (tensorsForm == 2) {
      fields.add("\"" + field + "\":" + pick(random, "3", "null", "{}", "\"x\""));
    } else {
      fields.add("\"" + field + "\":" + tensors(random, plain));
      if (tensorsForm == 3) {
        fields.add("\"" + field + "\":" + tensors(random, plain));
      }
    }
    if (random.nextBoolean()) {
      fields.add("\"" + ("inputs".equals(field) ? "outputs" : "inputs") + "\":[{\"name\":\"o\"}]");
    }
    for (String key : List.of("model_name", "model_version")) {
      int form = random.nextInt(plain ? 3 : 8);
      if (form == 1 || form == 2) {
        fields.add("\"" + key + "\":\"" + key.charAt(6) + random.nextInt(10) + "\"");
      } else if (form >= 3) {
        fields.add("\"" + key + "\":" + pick(random, "3", "1e2", "null", "true", "{\"a\":[1]}"));
      }
    }
    if (random.nextInt(4) == 0) {
      fields.add("\"parameters\":{\"content_type\":\"pd\",\"nested\":[1,{\"a\":null}]}");
    }
    Collections.shuffle(fields, random);
    return "{" + String.join(random.nextBoolean() ? "," : " ,\n ", fields) + "}";
  }

  private static String tensors(Random random, boolean plain) {
    int n = random.nextInt(6);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!plain && random.nextInt(30) == 0) {
        out.add(pick(random, "3", "null", "[]", "\"t\""));
      } else {
        out.add(tensor(random, plain));
      }
    }
    return "[" + String.join(",", out) + "]";
  }

  private static String tensor(Random random, boolean plain) {
    String datatype = DATATYPES[random.nextInt(DATATYPES.length)];
    String upper = datatype.toUpperCase(Locale.ROOT);
    int batch = random.nextInt(4);
    int form = random.nextInt(5);
    int k = 1 + random.nextInt(3);
    int m = 1 + random.nextInt(3);
    List<Integer> dims =
        switch (form) {
          case 0 -> List.of(batch);
          case 1 -> List.of(batch, 1);
          case 2 -> List.of(batch, k);
          case 3 -> List.of(batch, k, m);
          default -> List.of();
        };
    int total = 1;
    for (int d : dims) {
      total *= d;
    }
    int perRow = dims.isEmpty() ? 1 : total / Math.max(1, dims.get(0));
    if (!dims.isEmpty() && dims.get(0) == 0) {
      perRow = 1;
      for (int d : dims.subList(1, dims.size())) {
        perRow *= d;
      }
    }
    int count = total;
    if (!plain && random.nextInt(8) == 0) {
      count = Math.max(0, total + random.nextInt(5) - 2);
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(element(random, upper, plain));
    }
    String data;
    if (random.nextBoolean() && perRow > 0 && count == total && !dims.isEmpty()) {
      data = nested(values, dims, 0, 0);
    } else {
      data = "[" + String.join(",", values) + "]";
    }
    List<String> fields = new ArrayList<>();
    int nameForm = plain ? 0 : random.nextInt(14);
    String name = "t" + random.nextInt(8);
    switch (nameForm) {
      case 1 -> {}
      case 2 -> fields.add("\"name\":\"\"");
      case 3 -> fields.add("\"name\":" + pick(random, "5", "1.5", "null", "true", "{}", "[1]"));
      default -> fields.add("\"name\":\"" + name + "\"");
    }
    int typeForm = plain ? 0 : random.nextInt(12);
    switch (typeForm) {
      case 1 -> {}
      case 2 -> fields.add("\"datatype\":" + pick(random, "5", "null", "true", "{\"x\":1}"));
      default -> fields.add("\"datatype\":\"" + datatype + "\"");
    }
    int shapeForm = plain ? random.nextInt(2) : random.nextInt(12);
    String shape = dims.toString().replace(" ", "");
    switch (shapeForm) {
      case 1 -> {}
      case 2 -> fields.add("\"shape\":" + pick(random, "[-1]", "[2,-3]", "[1.0]", "[\"2\"]"));
      case 3 -> fields.add("\"shape\":" + pick(random, "[99999999999999999999]", "[[1]]", "null"));
      case 4 ->
          fields.add("\"shape\":" + pick(random, "3", "\"[1]\"", "{}", "[4611686018427387904,4]"));
      default -> fields.add("\"shape\":" + shape);
    }
    String parameters = null;
    if (random.nextInt(plain ? 4 : 3) == 0) {
      parameters =
          (plain
              ? pick(random, "{\"binary_data_size\":4}", "{\"content_type\":\"str\"}")
              : pick(
                  random,
                  "{\"binary_data_size\":4}",
                  "{\"binary_data_size\":null}",
                  "{\"x\":{\"binary_data_size\":1}}",
                  "[\"binary_data_size\"]",
                  "\"binary_data_size\""));
      fields.add("\"parameters\":" + parameters);
    }
    // Binary tensors send no data; sometimes the data is there anyway.
    boolean binary = parameters != null && parameters.contains("binary_data_size");
    int dataForm = binary ? random.nextInt(3) : plain ? 0 : random.nextInt(12);
    switch (dataForm) {
      case 1 -> {}
      case 2 -> fields.add("\"data\":null");
      case 3 -> fields.add("\"data\":" + element(random, upper, false));
      default -> fields.add("\"data\":" + data);
    }
    if (random.nextInt(5) == 0) {
      fields.add("\"extra\":" + pick(random, "{\"data\":[1]}", "[[],[{}]]", "\"name\"", "1e3"));
    }
    if (!plain && random.nextInt(25) == 0) {
      fields.add(fields.get(random.nextInt(fields.size())));
    }
    Collections.shuffle(fields, random);
    return "{" + String.join(",", fields) + "}";
  }

  /** Values nested row-major along the dimensions from {@code dim}. */
  private static String nested(List<String> values, List<Integer> dims, int dim, int from) {
    if (dim == dims.size()) {
      return values.get(from);
    }
    int stride = 1;
    for (int d : dims.subList(dim + 1, dims.size())) {
      stride *= d;
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < dims.get(dim); i++) {
      parts.add(nested(values, dims, dim + 1, from + i * stride));
    }
    return "[" + String.join(",", parts) + "]";
  }

  private static String element(Random random, String datatype, boolean plain) {
    int odd = random.nextInt(plain ? 40 : 10);
    if (odd == 0) {
      return "null";
    }
    if (datatype.equals("BYTES")) {
      if (!plain && odd == 1) {
        return pick(random, "1", "2.5", "true", "{\"a\":\"b\"}", "1e2", "-0");
      }
      return pick(
          random, "\"a\"", "\"Paris\"", "\"b\\\"c\"", "\"\\u00e9t\\u00e9\"", "\"\"", "\"1\"");
    }
    if (datatype.equals("BOOL") && odd < 8) {
      return random.nextBoolean() ? "true" : "false";
    }
    if (odd == 1) {
      return pick(random, "\"2.5\"", "\" 3 \"", "\"abc\"", "\"\"", "\"NaN\"", "\"1e400\"");
    }
    if (odd == 2) {
      return random.nextBoolean() ? "true" : "false";
    }
    if (!plain && odd == 3) {
      return pick(random, "{\"v\":1}", "{}", "[]");
    }
    return number(random);
  }

  private static String number(Random random) {
    return switch (random.nextInt(16)) {
      case 0 -> Integer.toString(random.nextInt(100));
      case 1 -> Integer.toString(-random.nextInt(1_000_000));
      case 2 -> Long.toString(random.nextLong());
      case 3 -> "1" + Long.toString(Math.abs(random.nextLong())) + random.nextInt(1_000_000_000);
      case 4 -> "-98765432109876543210987654321098765432109876543210";
      case 5 -> pick(random, "1e2", "1E-5", "2.5e+3", "-0", "-0.0", "0.0", "1e400", "-1e-400");
      case 6 ->
          pick(random, "NaN", "Infinity", "-Infinity", "0.1000000000000000055511151231257827");
      case 7 ->
          pick(random, "9007199254740993", "4.9e-324", "1.7976931348623157e308", "123.456e-7");
      case 8 -> "1" + "0".repeat(400);
      default -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6));
    };
  }

  private static String pick(Random random, String... options) {
    return options[random.nextInt(options.length)];
  }
}
