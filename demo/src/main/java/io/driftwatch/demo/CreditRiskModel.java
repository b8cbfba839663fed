package io.driftwatch.demo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo model "credit-risk" version "1": a logistic regression that scores the risk that a
 * credit application defaults, run by ONNX Runtime.
 *
 * <p>The raw {@link Applicant} is turned into a 13-float vector: five standardized numerics ({@code
 * age}, {@code ln(income)}, {@code credit_score}, {@code tenure_months}, {@code debt_ratio}, each
 * {@code (x - mean) / sd} with the training population's mean and sd) followed by one-hot {@code
 * country} (US, DE, IN, BR, JP) and {@code device} (mobile, desktop, tablet). An unknown category
 * leaves its block all zeros, so it scores like the reference category with weight 0. The ONNX
 * graph then computes {@code Sigmoid(x·W + B)} with the fixed weights {@link #weights()} and {@link
 * #bias()}; the result is the probability of default, and applications at or above {@link
 * #DECISION_THRESHOLD} are declined.
 *
 * <p>{@link #predict} is thread-safe: ONNX Runtime sessions accept concurrent runs.
 */
public final class CreditRiskModel implements AutoCloseable {

  /** The model name on the Open Inference Protocol paths. */
  public static final String NAME = "credit-risk";

  /** The only version served. */
  public static final String VERSION = "1";

  /** Probabilities at or above this are labelled {@link #DECLINE}. */
  public static final double DECISION_THRESHOLD = 0.5;

  /** Label for a probability below {@link #DECISION_THRESHOLD}. */
  public static final String APPROVE = "approve";

  /** Label for a probability at or above {@link #DECISION_THRESHOLD}, or NaN. */
  public static final String DECLINE = "decline";

  /** Categories of the one-hot {@code country} block, in column order. */
  static final List<String> COUNTRIES = List.of("US", "DE", "IN", "BR", "JP");

  /** Categories of the one-hot {@code device} block, in column order. */
  static final List<String> DEVICES = List.of("mobile", "desktop", "tablet");

  private static final int NUMERIC_COLUMNS = 5;
  private static final int COUNTRY_OFFSET = NUMERIC_COLUMNS;
  private static final int DEVICE_OFFSET = COUNTRY_OFFSET + COUNTRIES.size();

  /** Width of the feature vector the ONNX graph takes. */
  static final int WIDTH = DEVICE_OFFSET + DEVICES.size();

  // Scaler constants as "fitted" on the training population (ApplicantPopulation.baseline()):
  // a trained model carries its own copy, which is what lets drift move inputs off-centre.
  static final double AGE_MEAN = 41.0;
  static final double AGE_SD = 12.0;
  static final double LOG_INCOME_MEAN = Math.log(52_000.0);
  static final double LOG_INCOME_SD = 0.5;
  static final double CREDIT_SCORE_MEAN = 680.0;
  static final double CREDIT_SCORE_SD = 60.0;
  static final double TENURE_MEAN = 36.0;
  static final double TENURE_SD = 36.0;
  // Beta(2, 5): mean 2/7, sd sqrt(10 / (49 * 8)).
  static final double DEBT_RATIO_MEAN = 2.0 / 7.0;
  static final double DEBT_RATIO_SD = Math.sqrt(10.0 / 392.0);

  // Signs follow credit-scoring practice: older, richer, higher-score, longer-tenure applicants
  // default less; more debt defaults more. The magnitudes put about one application in five at or
  // above the threshold on the baseline population, so the decline rate visibly falls when the
  // income drift arrives.
  private static final float[] WEIGHTS = {
    -0.30f, // age (standardized)
    -0.70f, // ln(income) (standardized)
    -1.10f, // credit_score (standardized)
    -0.25f, // tenure_months (standardized)
    0.85f, // debt_ratio (standardized)
    0.00f, // country = US (reference)
    -0.15f, // country = DE
    0.40f, // country = IN
    0.55f, // country = BR
    -0.25f, // country = JP
    0.20f, // device = mobile
    -0.10f, // device = desktop
    0.00f, // device = tablet (reference)
  };
  private static final float BIAS = -1.40f;

  private static final Logger LOG = LoggerFactory.getLogger(CreditRiskModel.class);

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String executionProvider;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CreditRiskModel(OrtEnvironment env, OrtSession session, String executionProvider) {
    this.env = env;
    this.session = session;
    this.executionProvider = executionProvider;
  }

  /**
   * Builds the ONNX model in memory and opens an ONNX Runtime session on it, on the CUDA execution
   * provider when this ONNX Runtime build and machine have one, on the CPU otherwise. Logs the
   * provider chosen, once.
   *
   * <p>Cost: the first call in a JVM extracts and loads the native library (about a second).
   *
   * @throws IllegalStateException if ONNX Runtime cannot load the model on any provider
   */
  public static CreditRiskModel load() {
    // The environment is a process-wide singleton shared with any other ONNX user in the JVM, so
    // it is never closed here.
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    byte[] model = OnnxModelWriter.logisticRegression(NAME, WEIGHTS, BIAS);
    String cudaUnavailable;
    try (OrtSession.SessionOptions options = sessionOptions()) {
      options.addCUDA();
      OrtSession session = env.createSession(model, options);
      LOG.info(
          "{} v{}: ONNX Runtime {} on the CUDA execution provider",
          NAME,
          VERSION,
          env.getVersion());
      return new CreditRiskModel(env, session, "CUDA");
    } catch (OrtException e) {
      // The stock onnxruntime artifact has no CUDA provider; onnxruntime_gpu on a machine without
      // a usable GPU fails in createSession. Either way the CPU serves the same graph.
      cudaUnavailable = e.getMessage();
    }
    try (OrtSession.SessionOptions options = sessionOptions()) {
      OrtSession session = env.createSession(model, options);
      LOG.info(
          "{} v{}: ONNX Runtime {} on the CPU execution provider (CUDA unavailable: {})",
          NAME,
          VERSION,
          env.getVersion(),
          cudaUnavailable);
      return new CreditRiskModel(env, session, "CPU");
    } catch (OrtException e) {
      throw new IllegalStateException(
          NAME + ": ONNX Runtime could not load the model on the CPU: " + e.getMessage(), e);
    }
  }

  private static OrtSession.SessionOptions sessionOptions() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      // The graph is 13 multiply-adds per row: parallelism comes from concurrent requests, and an
      // intra-op pool would only spin on cores the rest of the demo needs.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      return options;
    } catch (OrtException e) {
      options.close();
      throw e;
    }
  }

  /** Returns {@value #NAME}. */
  public String name() {
    return NAME;
  }

  /** Returns {@value #VERSION}. */
  public String version() {
    return VERSION;
  }

  /** Returns {@code "CUDA"} or {@code "CPU"}: the ONNX Runtime execution provider in use. */
  public String executionProvider() {
    return executionProvider;
  }

  /** Returns a copy of the 13 weights, in feature-vector column order. */
  public static float[] weights() {
    return WEIGHTS.clone();
  }

  /** Returns the intercept. */
  public static float bias() {
    return BIAS;
  }

  /**
   * Scores a batch of applications in one ONNX Runtime run.
   *
   * @param batch the applications; may be empty (no run, empty result)
   * @return the probability of default of each application, in batch order; NaN where an input
   *     value is NaN
   * @throws IllegalStateException if the model is closed or ONNX Runtime fails the run
   */
  public float[] predict(List<Applicant> batch) {
    if (closed.get()) {
      throw new IllegalStateException(NAME + ": model is closed");
    }
    int rows = batch.size();
    if (rows == 0) {
      return new float[0];
    }
    float[] features = new float[rows * WIDTH];
    for (int row = 0; row < rows; row++) {
      encode(Objects.requireNonNull(batch.get(row), "batch element"), features, row * WIDTH);
    }
    try (OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(features), new long[] {rows, WIDTH});
        OrtSession.Result result = session.run(Map.of(OnnxModelWriter.INPUT, input))) {
      OnnxValue output = result.get(0);
      FloatBuffer probabilities = ((OnnxTensor) output).getFloatBuffer();
      float[] out = new float[rows];
      probabilities.get(out);
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException(NAME + ": ONNX Runtime run failed: " + e.getMessage(), e);
    }
  }

  /**
   * Returns {@link #APPROVE} below {@link #DECISION_THRESHOLD}, {@link #DECLINE} otherwise; NaN
   * declines, because a score that cannot be computed is no ground for credit.
   */
  public static String label(float probability) {
    return probability < DECISION_THRESHOLD ? APPROVE : DECLINE;
  }

  /** Writes the {@link #WIDTH} model inputs of one applicant into {@code into[offset..]}. */
  static void encode(Applicant a, float[] into, int offset) {
    into[offset] = (float) ((a.age() - AGE_MEAN) / AGE_SD);
    into[offset + 1] = (float) ((Math.log(a.income()) - LOG_INCOME_MEAN) / LOG_INCOME_SD);
    into[offset + 2] = (float) ((a.creditScore() - CREDIT_SCORE_MEAN) / CREDIT_SCORE_SD);
    into[offset + 3] = (float) ((a.tenureMonths() - TENURE_MEAN) / TENURE_SD);
    into[offset + 4] = (float) ((a.debtRatio() - DEBT_RATIO_MEAN) / DEBT_RATIO_SD);
    int country = COUNTRIES.indexOf(a.country());
    if (country >= 0) {
      into[offset + COUNTRY_OFFSET + country] = 1f;
    }
    int device = DEVICES.indexOf(a.device());
    if (device >= 0) {
      into[offset + DEVICE_OFFSET + device] = 1f;
    }
  }

  /**
   * Closes the ONNX Runtime session; later {@link #predict} calls fail. Callers must not close the
   * model while a {@link #predict} call is running (ONNX Runtime frees the session's memory).
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        session.close();
      } catch (OrtException e) {
        LOG.warn("{}: closing the ONNX Runtime session failed: {}", NAME, e.getMessage());
      }
    }
  }
}
