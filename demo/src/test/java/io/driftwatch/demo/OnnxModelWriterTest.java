package io.driftwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxModelWriterTest {

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 13, 100})
  void onnxRuntimeComputesTheLogisticFunctionOfTheWrittenWeights(int features) throws Exception {
    SplittableRandom random = new SplittableRandom(features);
    float[] weights = new float[features];
    for (int i = 0; i < features; i++) {
      weights[i] = (float) (random.nextDouble(-2, 2));
    }
    float bias = (float) random.nextDouble(-1, 1);
    int rows = 64;
    float[] x = new float[rows * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }

    float[] onnx =
        run(OnnxModelWriter.logisticRegression("test", weights, bias), x, rows, features);

    for (int r = 0; r < rows; r++) {
      double logit = bias;
      for (int f = 0; f < features; f++) {
        logit += (double) weights[f] * x[r * features + f];
      }
      double expected = 1 / (1 + Math.exp(-logit));
      assertThat((double) onnx[r]).as("row %d", r).isCloseTo(expected, within(1e-6));
    }
  }

  @Test
  void declaresASymbolicBatchDimensionAndTheProducer() throws Exception {
    byte[] model = OnnxModelWriter.logisticRegression("credit-risk", new float[] {1, 2, 3}, 0.5f);
    try (OrtSession session = ENV.createSession(model)) {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      assertThat(inputs).containsOnlyKeys("X");
      TensorInfo x = (TensorInfo) inputs.get("X").getInfo();
      assertThat(x.getShape()).containsExactly(-1L, 3L);
      assertThat(x.getDimensionNames()[0]).isEqualTo("batch");
      TensorInfo out = (TensorInfo) session.getOutputInfo().get("probability").getInfo();
      assertThat(out.getShape()).containsExactly(-1L, 1L);
      assertThat(session.getMetadata().getProducerName()).isEqualTo("driftwatch-demo");
      assertThat(session.getMetadata().getGraphName()).isEqualTo("credit-risk");
    }
  }

  @Test
  void extremeLogitsSaturateInsteadOfOverflowing() throws Exception {
    float[] p =
        run(
            OnnxModelWriter.logisticRegression("test", new float[] {100f}, 0f),
            new float[] {-10f, 0f, 10f},
            3,
            1);
    assertThat(p[0]).isCloseTo(0f, within(1e-6f));
    assertThat(p[1]).isEqualTo(0.5f);
    assertThat(p[2]).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void rejectsWeightsThatNoModelCouldCarry() {
    assertThatThrownBy(() -> OnnxModelWriter.logisticRegression("m", new float[0], 0f))
        .hasMessage("weights: [] (expected: at least one weight)");
    assertThatThrownBy(
            () -> OnnxModelWriter.logisticRegression("m", new float[] {1f, Float.NaN}, 0f))
        .hasMessage("weights[1]: NaN (expected: finite)");
    assertThatThrownBy(
            () ->
                OnnxModelWriter.logisticRegression("m", new float[] {1f}, Float.POSITIVE_INFINITY))
        .hasMessage("bias: Infinity (expected: finite)");
    assertThatThrownBy(() -> OnnxModelWriter.logisticRegression(" ", new float[] {1f}, 0f))
        .hasMessage("graphName: \" \" (expected: non-blank)");
  }

  private static float[] run(byte[] model, float[] x, int rows, int features) throws OrtException {
    try (OrtSession session = ENV.createSession(model);
        OnnxTensor input =
            OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), new long[] {rows, features});
        OrtSession.Result result = session.run(Map.of("X", input))) {
      OnnxTensor output = (OnnxTensor) result.get("probability").orElseThrow();
      assertThat(output.getInfo().getShape()).containsExactly((long) rows, 1L);
      float[] p = new float[rows];
      output.getFloatBuffer().get(p);
      return p;
    }
  }
}
