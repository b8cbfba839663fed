package io.driftwatch.jobs.traffic;

import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.stats.traffic.LatencyObservation;

/** The part of a prediction the traffic branch needs, in a form Flink serializes as a POJO. */
public final class TrafficEvent {
  public String model;
  public String version;
  public double latencySeconds;
  public int statusCode;
  public int grpcStatus;
  public double samplingWeight;

  public TrafficEvent() {}

  /** Projects a decoded prediction. */
  public static TrafficEvent of(PredictionRecord r) {
    TrafficEvent e = new TrafficEvent();
    e.model = r.getModel();
    e.version = r.getModelVersion();
    e.latencySeconds = r.getLatencyMicros() / 1e6;
    e.statusCode = r.getStatusCode();
    e.grpcStatus = r.getGrpcStatus();
    e.samplingWeight = r.getSamplingWeight();
    return e;
  }

  /** The series this event belongs to: {@code model/version}. */
  public String seriesKey() {
    return model + "/" + version;
  }

  LatencyObservation observation() {
    return new LatencyObservation(latencySeconds, statusCode, grpcStatus, samplingWeight);
  }
}
