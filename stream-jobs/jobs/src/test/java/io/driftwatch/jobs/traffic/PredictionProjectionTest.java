package io.driftwatch.jobs.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.driftwatch.jobs.drift.Columns;
import io.driftwatch.jobs.drift.Observation;
import io.driftwatch.schema.Decoded;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast path reads exactly what the full decoder reads, or declines. */
class PredictionProjectionTest {

  @Test
  void matchesTheFullDecoderOnRandomRecords() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    int taken = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = random(random, i).toByteArray();
      if (random.nextInt(10) == 0) {
        // Concatenated messages merge: repeated scalars keep the last value, maps add up.
        bytes = concat(bytes, random(random, i + 1).toByteArray());
      }
      if (assertSame(bytes)) {
        taken++;
      }
    }
    assertThat(taken).isGreaterThan(14_000);
  }

  @Test
  void declinesWhatItDoesNotReadItself() {
    PredictionRecord ok = base().putFeatures("a", number(1)).build();
    assertThat(PredictionProjection.parse(ok.toByteArray())).isNotNull();
    assertThat(PredictionProjection.parse(null)).isNull();
    assertThat(PredictionProjection.parse(new byte[0])).isNull();
    assertThat(PredictionProjection.parse(new byte[] {(byte) 0xff, 0x01})).isNull();
    byte[] truncated = Arrays.copyOf(ok.toByteArray(), ok.getSerializedSize() - 3);
    assertThat(PredictionProjection.parse(truncated)).isNull();
    assertThat(PredictionProjection.parse(base().setModel("").build().toByteArray())).isNull();
    assertThat(PredictionProjection.parse(base().setTimestampMicros(0).build().toByteArray()))
        .isNull();
    assertThat(PredictionProjection.parse(base().setLatencyMicros(-1).build().toByteArray()))
        .isNull();
    PredictionRecord list =
        base()
            .putFeatures(
                "e", Value.newBuilder().setNumbers(NumberList.newBuilder().addValues(1)).build())
            .build();
    assertThat(PredictionProjection.parse(list.toByteArray())).isNull();
    // The same key twice: protobuf replaces the first value in place.
    byte[] twice =
        concat(
            base().putFeatures("a", number(1)).putFeatures("b", number(2)).build().toByteArray(),
            base().putFeatures("a", number(3)).build().toByteArray());
    assertThat(PredictionProjection.parse(twice)).isNull();
    // Whatever it declines, the job still decodes with the full decoder.
    for (byte[] b : new byte[][] {list.toByteArray(), twice}) {
      assertThat(Records.decodePrediction(b).isOk()).isTrue();
    }
    // Invalid UTF-8 in a string field.
    byte[] badUtf8 = base().setTraceId("zz").build().toByteArray();
    for (int i = 0; i + 1 < badUtf8.length; i++) {
      if (badUtf8[i] == 'z' && badUtf8[i + 1] == 'z') {
        badUtf8[i] = (byte) 0xc3;
        badUtf8[i + 1] = (byte) 0x28;
        break;
      }
    }
    assertThat(Records.decodePrediction(badUtf8).isOk()).isFalse();
    assertThat(PredictionProjection.parse(badUtf8)).isNull();
  }

  @Test
  void mapEntriesWithoutKeyOrValueHaveTheDefaults() throws Exception {
    // Field 8 (features), entry with a value only; then an entry with a key only.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(base().build().toByteArray());
    byte[] valueOnly = {0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f};
    out.write(0x42);
    out.write(valueOnly.length);
    out.write(valueOnly);
    byte[] keyOnly = {0x0a, 0x01, 'k'};
    out.write(0x42);
    out.write(keyOnly.length);
    out.write(keyOnly);
    assertThat(assertSame(out.toByteArray())).isTrue();
  }

  /** Asserts parity; returns whether the fast path took the record. */
  private static boolean assertSame(byte[] bytes) {
    PredictionProjection p = PredictionProjection.parse(bytes);
    Decoded<PredictionRecord> full = Records.decodePrediction(bytes);
    if (p == null) {
      return false;
    }
    assertThat(full.isOk()).isTrue();
    PredictionRecord r = full.value();
    TrafficEvent expected = TrafficEvent.of(r);
    TrafficEvent actual = p.trafficEvent();
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
    for (int buckets : new int[] {1, 4, 7}) {
      Observation want = Observation.of(r, buckets, 5);
      Observation got =
          Observation.of(p.model, p.version, p.predictionId, p.features, p.outputs, buckets, 5);
      assertThat(got.model).isEqualTo(want.model);
      assertThat(got.version).isEqualTo(want.version);
      assertThat(got.bucket).isEqualTo(want.bucket);
      assertColumns(got.inputs, want.inputs);
      assertColumns(got.outputs, want.outputs);
    }
    return true;
  }

  private static void assertColumns(Columns got, Columns want) {
    if (want == null) {
      assertThat(got).isNull();
      return;
    }
    assertThat(got.names).containsExactly(want.names);
    assertThat(got.kinds).containsExactly(want.kinds);
    assertThat(Arrays.equals(got.numbers, want.numbers))
        .as(Arrays.toString(got.numbers) + " vs " + Arrays.toString(want.numbers))
        .isTrue();
    assertThat(got.texts).containsExactly(want.texts);
  }

  private static PredictionRecord.Builder base() {
    return PredictionRecord.newBuilder()
        .setSchemaVersion(Records.SCHEMA_VERSION)
        .setPredictionId("p-1")
        .setModel("m")
        .setModelVersion("1")
        .setTimestampMicros(1_700_000_000_000_000L)
        .setLatencyMicros(1234);
  }

  private static Value number(double d) {
    return Value.newBuilder().setNumber(d).build();
  }

  private static PredictionRecord random(SplittableRandom random, int i) {
    PredictionRecord.Builder r =
        PredictionRecord.newBuilder()
            .setSchemaVersion(random.nextInt(3))
            .setModel(random.nextInt(20) == 0 ? "" : "model-" + random.nextInt(3))
            .setModelVersion(random.nextInt(5) == 0 ? "" : "v" + random.nextInt(3))
            .setTimestampMicros(random.nextInt(50) == 0 ? 0 : 1_000_000L + random.nextInt(1 << 30))
            .setLatencyMicros(random.nextInt(50) == 0 ? -5 : random.nextInt(1 << 20))
            .setStatusCode(random.nextInt(3) == 0 ? 500 : 200)
            .setGrpcStatus(random.nextInt(4))
            .setSamplingWeight(random.nextInt(2) == 0 ? 0 : random.nextDouble())
            .setProtocol(Protocol.forNumber(random.nextInt(7)))
            .setTruncated(random.nextBoolean());
    if (random.nextInt(4) != 0) {
      r.setPredictionId(random.nextInt(3) == 0 ? "é-" + i : "p-" + i);
    }
    if (random.nextBoolean()) {
      r.setTraceId("t" + i).setCaptureError(random.nextInt(5) == 0 ? "x" : "");
    }
    if (random.nextInt(3) == 0) {
      r.putSegments("region", "eu").putSegments("tier", "ü" + random.nextInt(3));
    }
    int features = random.nextInt(6) == 0 ? 0 : random.nextInt(30);
    for (int f = 0; f < features; f++) {
      r.putFeatures("f_" + random.nextInt(40), randomValue(random));
    }
    int outputs = random.nextInt(4) == 0 ? 0 : random.nextInt(4);
    for (int f = 0; f < outputs; f++) {
      r.putOutputs("o_" + f, randomValue(random));
    }
    if (random.nextInt(10) == 0) {
      r.setUnknownFields(
          UnknownFieldSet.newBuilder()
              .addField(
                  99,
                  UnknownFieldSet.Field.newBuilder()
                      .addVarint(7)
                      .addLengthDelimited(ByteString.copyFromUtf8("junk"))
                      .build())
              .build());
    }
    return r.build();
  }

  private static Value randomValue(SplittableRandom random) {
    return switch (random.nextInt(8)) {
      case 0 -> Value.newBuilder().setText("cat-" + random.nextInt(5)).build();
      case 1 -> Value.newBuilder().setText("").build();
      case 2 -> Value.newBuilder().setFlag(random.nextBoolean()).build();
      case 3 -> Value.newBuilder().setNull(true).build();
      case 4 -> Value.getDefaultInstance();
      case 5 -> Value.newBuilder().setNumber(Double.NaN).build();
      default -> Value.newBuilder().setNumber(random.nextGaussian() * 10).build();
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
