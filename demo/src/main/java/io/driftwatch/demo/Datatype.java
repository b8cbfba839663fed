package io.driftwatch.demo;

/** The Open Inference Protocol tensor datatypes this demo speaks. */
enum Datatype {
  FP32,
  FP64,
  INT64,
  BYTES
}
