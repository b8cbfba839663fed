package io.driftwatch.stats.traffic;

import io.driftwatch.stats.Accumulator;
import io.driftwatch.stats.Codec;
import java.nio.ByteBuffer;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * Counts, errors and a latency quantile sketch for one model version.
 *
 * <p>Latency quantiles come from a KLL sketch with {@code k = }{@value #SKETCH_K}: about 1.3%
 * normalized rank error at 99% confidence, a few kilobytes per window, mergeable across tasks. NaN,
 * infinite and negative latencies are counted in {@link TrafficSummary#invalidLatencies()} and left
 * out of the sketch; the record still counts as a prediction.
 */
public final class TrafficAccumulator
    implements Accumulator<LatencyObservation, TrafficAccumulator, TrafficSummary> {

  /** KLL accuracy knob: rank error ~ 2.296 / k^0.9723. 200 is the DataSketches default. */
  public static final int SKETCH_K = 200;

  /** The quantiles every summary reports. */
  public static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99};

  /** The codec for checkpoints and shuffles. */
  public static final Codec<TrafficAccumulator> CODEC = new TrafficCodec();

  private long records;
  private double predictions;
  private double clientErrors;
  private double serverErrors;
  private long invalidLatencies;
  private double latencySum;
  private KllDoublesSketch latency;

  public TrafficAccumulator() {
    this(KllDoublesSketch.newHeapInstance(SKETCH_K));
  }

  private TrafficAccumulator(KllDoublesSketch latency) {
    this.latency = latency;
  }

  @Override
  public void add(LatencyObservation o) {
    double weight =
        o.samplingWeight() > 0 && Double.isFinite(o.samplingWeight()) ? o.samplingWeight() : 1.0;
    records++;
    predictions += weight;
    int status = o.statusCode();
    if (status == 0 || status >= 500 || o.grpcStatus() != 0) {
      serverErrors += weight;
    } else if (status >= 400) {
      clientErrors += weight;
    }
    double seconds = o.latencySeconds();
    if (Double.isFinite(seconds) && seconds >= 0) {
      latency.update(seconds);
      latencySum += seconds * weight;
    } else {
      invalidLatencies++;
    }
  }

  @Override
  public void merge(TrafficAccumulator other) {
    records += other.records;
    predictions += other.predictions;
    clientErrors += other.clientErrors;
    serverErrors += other.serverErrors;
    invalidLatencies += other.invalidLatencies;
    latencySum += other.latencySum;
    latency.merge(other.latency);
  }

  @Override
  public TrafficSummary result() {
    double[] q = new double[QUANTILES.length];
    for (int i = 0; i < q.length; i++) {
      q[i] = latency.isEmpty() ? Double.NaN : latency.getQuantile(QUANTILES[i]);
    }
    return new TrafficSummary(
        records,
        predictions,
        clientErrors,
        serverErrors,
        invalidLatencies,
        latencySum,
        latency.getN(),
        q,
        latency.getNormalizedRankError(false));
  }

  /** Version 1: a version byte, the counters, then the KLL sketch's own serialized form. */
  private static final class TrafficCodec implements Codec<TrafficAccumulator> {
    private static final byte V1 = 1;
    private static final int HEADER = 1 + 8 + 8 + 8 + 8 + 8 + 8;

    @Override
    public byte[] encode(TrafficAccumulator a) {
      byte[] sketch = a.latency.toByteArray();
      return ByteBuffer.allocate(HEADER + sketch.length)
          .put(V1)
          .putLong(a.records)
          .putDouble(a.predictions)
          .putDouble(a.clientErrors)
          .putDouble(a.serverErrors)
          .putLong(a.invalidLatencies)
          .putDouble(a.latencySum)
          .put(sketch)
          .array();
    }

    @Override
    public TrafficAccumulator decode(byte[] bytes) {
      if (bytes == null || bytes.length < HEADER) {
        throw new IllegalArgumentException(
            "traffic accumulator: "
                + (bytes == null ? 0 : bytes.length)
                + " bytes (expected: >= "
                + HEADER
                + ")");
      }
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte version = in.get();
      if (version != V1) {
        throw new IllegalArgumentException(
            "traffic accumulator: version " + version + " (expected: 1)");
      }
      long records = in.getLong();
      double predictions = in.getDouble();
      double clientErrors = in.getDouble();
      double serverErrors = in.getDouble();
      long invalid = in.getLong();
      double sum = in.getDouble();
      byte[] sketchBytes = new byte[in.remaining()];
      in.get(sketchBytes);
      KllDoublesSketch sketch;
      try {
        sketch = KllDoublesSketch.heapify(Memory.wrap(sketchBytes));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("traffic accumulator: corrupt latency sketch", e);
      }
      TrafficAccumulator a = new TrafficAccumulator(sketch);
      a.records = records;
      a.predictions = predictions;
      a.clientErrors = clientErrors;
      a.serverErrors = serverErrors;
      a.invalidLatencies = invalid;
      a.latencySum = sum;
      return a;
    }
  }
}
