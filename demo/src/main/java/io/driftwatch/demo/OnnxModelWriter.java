package io.driftwatch.demo;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a logistic-regression model as ONNX {@code ModelProto} bytes, field by field.
 *
 * <p>The graph is {@code probability = Sigmoid(MatMul(X, W) + B)} with {@code X} float {@code
 * [batch, F]}, {@code W} float {@code [F, 1]}, {@code B} float {@code [1]} and {@code probability}
 * float {@code [batch, 1]}. Only the handful of ONNX fields this graph needs are written; the field
 * numbers are those of the public ONNX IR specification, so the bytes load in any ONNX runtime
 * without the generated ONNX protobuf classes (and without a Python export step) on the class path.
 */
final class OnnxModelWriter {

  /** IR version 7 is what ONNX 1.8 writes; every ONNX Runtime release since 1.6 reads it. */
  static final long IR_VERSION = 7;

  /** Default-domain opset; MatMul-13, Add-13 and Sigmoid-13 are the versions the graph uses. */
  static final long OPSET_VERSION = 13;

  static final String PRODUCER = "driftwatch-demo";
  static final String INPUT = "X";
  static final String OUTPUT = "probability";
  static final String WEIGHTS = "W";
  static final String BIAS = "B";
  static final String BATCH_DIM = "batch";

  // Field numbers of onnx.proto (ONNX IR spec), one holder per message so a reader can check them
  // against the spec message by message.
  private static final class Model {
    static final int IR_VERSION = 1;
    static final int PRODUCER_NAME = 2;
    static final int GRAPH = 7;
    static final int OPSET_IMPORT = 8;
  }

  private static final class OperatorSetId {
    static final int DOMAIN = 1;
    static final int VERSION = 2;
  }

  private static final class Graph {
    static final int NODE = 1;
    static final int NAME = 2;
    static final int INITIALIZER = 5;
    static final int INPUT = 11;
    static final int OUTPUT = 12;
  }

  private static final class Node {
    static final int INPUT = 1;
    static final int OUTPUT = 2;
    static final int NAME = 3;
    static final int OP_TYPE = 4;
  }

  private static final class Tensor {
    static final int DIMS = 1;
    static final int DATA_TYPE = 2;
    static final int FLOAT_DATA = 4;
    static final int NAME = 8;
  }

  private static final class ValueInfo {
    static final int NAME = 1;
    static final int TYPE = 2;
  }

  private static final class Type {
    static final int TENSOR_TYPE = 1;
  }

  private static final class TensorType {
    static final int ELEM_TYPE = 1;
    static final int SHAPE = 2;
  }

  private static final class Shape {
    static final int DIM = 1;
  }

  private static final class Dimension {
    static final int DIM_VALUE = 1;
    static final int DIM_PARAM = 2;
  }

  /** TensorProto.DataType.FLOAT. */
  private static final int FLOAT = 1;

  private OnnxModelWriter() {}

  /**
   * Returns the serialized model {@code Sigmoid(X·weights + bias)}.
   *
   * @param graphName the graph's name, shown by model viewers and in runtime errors
   * @param weights one weight per input column; at least one, all finite
   * @param bias the intercept; finite
   * @throws IllegalArgumentException if a weight or the bias is not finite, or there are none
   */
  static byte[] logisticRegression(String graphName, float[] weights, float bias) {
    if (graphName == null || graphName.isBlank()) {
      throw new IllegalArgumentException(
          "graphName: " + quoted(graphName) + " (expected: non-blank)");
    }
    if (weights.length == 0) {
      throw new IllegalArgumentException("weights: [] (expected: at least one weight)");
    }
    for (int i = 0; i < weights.length; i++) {
      if (!Float.isFinite(weights[i])) {
        throw new IllegalArgumentException(
            "weights[" + i + "]: " + weights[i] + " (expected: finite)");
      }
    }
    if (!Float.isFinite(bias)) {
      throw new IllegalArgumentException("bias: " + bias + " (expected: finite)");
    }
    long features = weights.length;
    byte[] graph =
        message(
            out -> {
              out.writeByteArray(Graph.NODE, node("matmul", "MatMul", "xw", INPUT, WEIGHTS));
              out.writeByteArray(Graph.NODE, node("add", "Add", "logit", "xw", BIAS));
              out.writeByteArray(Graph.NODE, node("sigmoid", "Sigmoid", OUTPUT, "logit"));
              out.writeString(Graph.NAME, graphName);
              out.writeByteArray(
                  Graph.INITIALIZER, floatTensor(WEIGHTS, new long[] {features, 1}, weights));
              out.writeByteArray(
                  Graph.INITIALIZER, floatTensor(BIAS, new long[] {1}, new float[] {bias}));
              out.writeByteArray(Graph.INPUT, floatValueInfo(INPUT, features));
              out.writeByteArray(Graph.OUTPUT, floatValueInfo(OUTPUT, 1));
            });
    return message(
        out -> {
          out.writeInt64(Model.IR_VERSION, IR_VERSION);
          out.writeString(Model.PRODUCER_NAME, PRODUCER);
          out.writeByteArray(Model.GRAPH, graph);
          out.writeByteArray(
              Model.OPSET_IMPORT,
              message(
                  opset -> {
                    // The empty domain is the default ONNX operator set ("ai.onnx").
                    opset.writeString(OperatorSetId.DOMAIN, "");
                    opset.writeInt64(OperatorSetId.VERSION, OPSET_VERSION);
                  }));
        });
  }

  private static byte[] node(String name, String opType, String output, String... inputs) {
    return message(
        out -> {
          for (String input : inputs) {
            out.writeString(Node.INPUT, input);
          }
          out.writeString(Node.OUTPUT, output);
          out.writeString(Node.NAME, name);
          out.writeString(Node.OP_TYPE, opType);
        });
  }

  private static byte[] floatTensor(String name, long[] dims, float[] values) {
    return message(
        out -> {
          for (long dim : dims) {
            out.writeInt64(Tensor.DIMS, dim);
          }
          out.writeInt32(Tensor.DATA_TYPE, FLOAT);
          // float_data is declared [packed = true]: one length-delimited run of little-endian
          // floats.
          out.writeTag(Tensor.FLOAT_DATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          out.writeUInt32NoTag(values.length * Float.BYTES);
          for (float value : values) {
            out.writeFloatNoTag(value);
          }
          out.writeString(Tensor.NAME, name);
        });
  }

  /** A float tensor {@code [batch, columns]} whose first dimension is symbolic. */
  private static byte[] floatValueInfo(String name, long columns) {
    byte[] shape =
        message(
            out -> {
              out.writeByteArray(
                  Shape.DIM, message(dim -> dim.writeString(Dimension.DIM_PARAM, BATCH_DIM)));
              out.writeByteArray(
                  Shape.DIM, message(dim -> dim.writeInt64(Dimension.DIM_VALUE, columns)));
            });
    byte[] tensorType =
        message(
            out -> {
              out.writeInt32(TensorType.ELEM_TYPE, FLOAT);
              out.writeByteArray(TensorType.SHAPE, shape);
            });
    return message(
        out -> {
          out.writeString(ValueInfo.NAME, name);
          out.writeByteArray(
              ValueInfo.TYPE, message(type -> type.writeByteArray(Type.TENSOR_TYPE, tensorType)));
        });
  }

  @FunctionalInterface
  private interface Fields {
    void writeTo(CodedOutputStream out) throws IOException;
  }

  /**
   * Serializes one message body; nested messages are written as length-delimited byte strings, so
   * each is materialized first to learn its length (the model is a few hundred bytes).
   */
  private static byte[] message(Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      fields.writeTo(out);
      out.flush();
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail; this only satisfies the checked signature.
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String quoted(String s) {
    return s == null ? "null" : '"' + s + '"';
  }
}
