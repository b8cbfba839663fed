package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Records;
import io.driftwatch.schema.v1.Value;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The expected bytes come from protobuf-java's own generated encoder ({@code toByteArray()}), an
 * implementation independent of the writer under test; equality of the bytes, and of the record
 * parsed back, is the check.
 */
class PredictionRecordWriterTest {

  private static final double[] SPECIAL_DOUBLES = {
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    -0.0,
    0.0,
    Double.MIN_VALUE,
    Double.MAX_VALUE,
    1.5,
    -42
  };

  private static final String[] SPECIAL_TEXTS = {
    "", "a", "grüße", "日本語", "emoji 😀 pair", "tab\tnew\nline", "\u0000nul"
  };

  private final PredictionRecordWriter writer = new PredictionRecordWriter();

  @Test
  void theWriterKnowsTheCurrentSchema() {
    // Otherwise every record would take the fallback and the tests below would check nothing.
    assertThat(PredictionRecordWriter.schemaKnownForTest()).isTrue();
  }

  @Test
  void aGrownOrChangedSchemaIsRefused() throws DescriptorValidationException {
    FileDescriptorProto file = Records.getDescriptor().toProto();
    assertThat(matches(file)).isTrue();

    // A field added to PredictionRecord that the writer would not write.
    FileDescriptorProto.Builder grown = file.toBuilder();
    message(grown, "PredictionRecord")
        .addField(
            FieldDescriptorProto.newBuilder()
                .setName("region")
                .setNumber(17)
                .setType(FieldDescriptorProto.Type.TYPE_STRING)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL));
    assertThat(matches(grown.build())).isFalse();

    // A new kind of Value.
    FileDescriptorProto.Builder newKind = file.toBuilder();
    message(newKind, "Value")
        .addField(
            FieldDescriptorProto.newBuilder()
                .setName("integer")
                .setNumber(6)
                .setType(FieldDescriptorProto.Type.TYPE_SINT64)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                .setOneofIndex(0));
    assertThat(matches(newKind.build())).isFalse();

    // A changed encoding: int32 to sint32 (zigzag) would need other bytes.
    FileDescriptorProto.Builder retyped = file.toBuilder();
    DescriptorProto.Builder record = message(retyped, "PredictionRecord");
    for (FieldDescriptorProto.Builder f : record.getFieldBuilderList()) {
      if (f.getNumber() == 7) {
        f.setType(FieldDescriptorProto.Type.TYPE_SINT32);
      }
    }
    assertThat(matches(retyped.build())).isFalse();
  }

  private static DescriptorProto.Builder message(FileDescriptorProto.Builder file, String name) {
    for (DescriptorProto.Builder m : file.getMessageTypeBuilderList()) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    throw new AssertionError(name);
  }

  private static boolean matches(FileDescriptorProto proto) throws DescriptorValidationException {
    FileDescriptor file = FileDescriptor.buildFrom(proto, new FileDescriptor[0]);
    return PredictionRecordWriter.schemaMatches(
        file.findMessageTypeByName("PredictionRecord"),
        file.findMessageTypeByName("Value"),
        file.findMessageTypeByName("NumberList"));
  }

  @Test
  void defaultRecordIsEmpty() throws InvalidProtocolBufferException {
    assertSameAsProtobuf(PredictionRecord.getDefaultInstance());
    assertThat(writer.encode(PredictionRecord.getDefaultInstance())).isEmpty();
  }

  @Test
  void everyValueKindIncludingDefaults() throws InvalidProtocolBufferException {
    PredictionRecord.Builder b = PredictionRecord.newBuilder();
    int i = 0;
    for (double d : SPECIAL_DOUBLES) {
      b.putFeatures("n" + i++, Value.newBuilder().setNumber(d).build());
    }
    for (String s : SPECIAL_TEXTS) {
      b.putFeatures("t" + i++, Value.newBuilder().setText(s).build());
    }
    // Oneof members have explicit presence: false and an empty list are set and written.
    b.putFeatures("flag-true", Value.newBuilder().setFlag(true).build());
    b.putFeatures("flag-false", Value.newBuilder().setFlag(false).build());
    b.putFeatures("null-true", Value.newBuilder().setNull(true).build());
    b.putFeatures("null-false", Value.newBuilder().setNull(false).build());
    b.putFeatures(
        "list-empty", Value.newBuilder().setNumbers(NumberList.getDefaultInstance()).build());
    b.putFeatures(
        "list",
        Value.newBuilder()
            .setNumbers(NumberList.newBuilder().addValues(1).addValues(-0.0).addValues(Double.NaN))
            .build());
    b.putFeatures("unset", Value.getDefaultInstance());
    b.putFeatures("", Value.getDefaultInstance());
    b.putOutputs("score", Value.newBuilder().setNumber(0.0).build());
    b.putSegments("", "");
    b.putSegments("region", "eu-west-1");
    PredictionRecord r = b.build();
    assertThat(r.getFeaturesMap().get("flag-false").getKindCase()).isEqualTo(Value.KindCase.FLAG);
    assertSameAsProtobuf(r);
  }

  @Test
  void scalarEdgeCases() throws InvalidProtocolBufferException {
    assertSameAsProtobuf(
        PredictionRecord.newBuilder()
            .setSchemaVersion(-1) // uint32 0xFFFFFFFF: a 5-byte varint
            .setTimestampMicros(Long.MIN_VALUE)
            .setLatencyMicros(-1)
            .setStatusCode(-1) // negative int32: a 10-byte varint
            .setGrpcStatus(Integer.MIN_VALUE)
            .setSamplingWeight(-0.0) // not the default by its bits: written
            .setProtocolValue(99) // unrecognized by this schema: kept as a number
            .setTruncated(true)
            .build());
    assertSameAsProtobuf(PredictionRecord.newBuilder().setSamplingWeight(Double.NaN).build());
    assertSameAsProtobuf(
        PredictionRecord.newBuilder()
            .setSchemaVersion(1)
            .setProtocol(Protocol.KSERVE_CLOUDEVENT)
            .setStatusCode(200)
            .build());
  }

  @Test
  void largeStringsAndMapsNeedMultiByteLengths() throws InvalidProtocolBufferException {
    Random random = new Random(7);
    PredictionRecord.Builder b =
        PredictionRecord.newBuilder()
            .setPredictionId(text(random, 5_000))
            .setCaptureError(text(random, 70_000)); // a 3-byte length
    for (int i = 0; i < 3_000; i++) {
      b.putFeatures("f" + i, Value.newBuilder().setNumber(random.nextGaussian()).build());
    }
    NumberList.Builder embedding = NumberList.newBuilder();
    for (int i = 0; i < 20_000; i++) {
      embedding.addValues(random.nextDouble());
    }
    b.putOutputs("embedding", Value.newBuilder().setNumbers(embedding).build());
    b.putOutputs("long-text", Value.newBuilder().setText(text(random, 9_000)).build());
    b.putSegments(text(random, 5_000), text(random, 5_000));
    assertSameAsProtobuf(b.build());
  }

  @Test
  void randomizedRecords() throws InvalidProtocolBufferException {
    Random random = new Random(20261204L);
    for (int n = 0; n < 2_000; n++) {
      // One writer for all of them: its scratch space grows and shrinks between records.
      assertSameAsProtobuf(randomRecord(random));
    }
  }

  @Test
  void parsedRecordsHoldingByteStringsEncodeTheSame() throws InvalidProtocolBufferException {
    // A parsed record keeps its strings as UTF-8 ByteStrings until they are read as Strings.
    Random random = new Random(11);
    for (int n = 0; n < 200; n++) {
      byte[] bytes = randomRecord(random).toByteArray();
      assertThat(writer.encode(PredictionRecord.parseFrom(bytes))).isEqualTo(bytes);
    }
  }

  @Test
  void unknownFieldsFallBackAndSurvive() throws InvalidProtocolBufferException {
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
            .addField(
                100,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFromUtf8("from a newer writer"))
                    .build())
            .build();
    PredictionRecord base = randomRecord(new Random(3));

    PredictionRecord topLevel = base.toBuilder().setUnknownFields(unknown).build();
    assertSameAsProtobuf(topLevel);
    assertThat(PredictionRecord.parseFrom(writer.encode(topLevel)).getUnknownFields())
        .isEqualTo(unknown);

    PredictionRecord inValue =
        base.toBuilder()
            .putOutputs("v", Value.newBuilder().setNumber(1).setUnknownFields(unknown).build())
            .build();
    assertSameAsProtobuf(inValue);

    PredictionRecord inList =
        base.toBuilder()
            .putFeatures(
                "l",
                Value.newBuilder()
                    .setNumbers(NumberList.newBuilder().addValues(2).setUnknownFields(unknown))
                    .build())
            .build();
    assertSameAsProtobuf(inList);

    // As a record from a newer writer arrives: its bytes plus a field this schema lacks.
    byte[] newer = concat(base.toByteArray(), topLevelUnknownBytes(unknown));
    PredictionRecord parsed = PredictionRecord.parseFrom(newer);
    assertThat(parsed.getUnknownFields().asMap()).isNotEmpty();
    assertThat(writer.encode(parsed)).isEqualTo(newer);
  }

  private static byte[] topLevelUnknownBytes(UnknownFieldSet unknown) {
    return unknown.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private void assertSameAsProtobuf(PredictionRecord r) throws InvalidProtocolBufferException {
    byte[] mine = writer.encode(r);
    // Same fields in the same order as the generated code, so byte equality holds for every case.
    assertThat(mine).isEqualTo(r.toByteArray());
    assertThat(PredictionRecord.parseFrom(mine)).isEqualTo(r);
  }

  private static PredictionRecord randomRecord(Random random) {
    PredictionRecord.Builder b = PredictionRecord.newBuilder();
    // Each field set about half the time, to cover both the written and the skipped default.
    if (random.nextBoolean()) {
      b.setSchemaVersion(random.nextBoolean() ? 1 : random.nextInt());
    }
    if (random.nextBoolean()) {
      b.setPredictionId(text(random, 40));
    }
    if (random.nextBoolean()) {
      b.setModel(text(random, 20));
    }
    if (random.nextBoolean()) {
      b.setModelVersion(text(random, 10));
    }
    if (random.nextBoolean()) {
      b.setTimestampMicros(random.nextBoolean() ? 1_764_870_000_000_000L : random.nextLong());
    }
    if (random.nextBoolean()) {
      b.setLatencyMicros(random.nextInt(1 << 20));
    }
    if (random.nextBoolean()) {
      b.setStatusCode(random.nextBoolean() ? 200 : random.nextInt());
    }
    int features = mapSize(random);
    for (int i = 0; i < features; i++) {
      b.putFeatures(key(random), value(random));
    }
    int outputs = mapSize(random);
    for (int i = 0; i < outputs; i++) {
      b.putOutputs(key(random), value(random));
    }
    int segments = random.nextInt(4);
    for (int i = 0; i < segments; i++) {
      b.putSegments(key(random), text(random, 12));
    }
    if (random.nextBoolean()) {
      b.setTraceId(text(random, 32));
    }
    if (random.nextBoolean()) {
      b.setSamplingWeight(random.nextInt(4) == 0 ? pick(random) : 1 + random.nextInt(100));
    }
    if (random.nextBoolean()) {
      Protocol[] known = Protocol.values();
      // The last constant is UNRECOGNIZED, which has no number.
      b.setProtocol(known[random.nextInt(known.length - 1)]);
    }
    if (random.nextBoolean()) {
      b.setCaptureError(text(random, 60));
    }
    b.setTruncated(random.nextBoolean());
    if (random.nextBoolean()) {
      b.setGrpcStatus(random.nextInt(17) - 1);
    }
    return b.build();
  }

  private static int mapSize(Random random) {
    switch (random.nextInt(6)) {
      case 0:
        return 0;
      case 1:
        return 200 + random.nextInt(300);
      default:
        return random.nextInt(20);
    }
  }

  private static String key(Random random) {
    return random.nextInt(10) == 0 ? text(random, 300) : "k" + random.nextInt(1_000);
  }

  private static Value value(Random random) {
    Value.Builder v = Value.newBuilder();
    switch (random.nextInt(7)) {
      case 0:
        return v.setNumber(random.nextBoolean() ? pick(random) : random.nextGaussian()).build();
      case 1:
        return v.setText(
                random.nextInt(20) == 0
                    ? text(random, 5_000)
                    : SPECIAL_TEXTS[random.nextInt(SPECIAL_TEXTS.length)])
            .build();
      case 2:
        return v.setFlag(random.nextBoolean()).build();
      case 3:
        return v.setNull(random.nextBoolean()).build();
      case 4:
        {
          NumberList.Builder list = NumberList.newBuilder();
          int n = random.nextInt(5) == 0 ? 0 : random.nextInt(random.nextInt(10) == 0 ? 2_000 : 8);
          for (int i = 0; i < n; i++) {
            list.addValues(random.nextBoolean() ? pick(random) : random.nextDouble());
          }
          return v.setNumbers(list).build();
        }
      case 5:
        return Value.getDefaultInstance();
      default:
        return v.setNumber(random.nextDouble()).build();
    }
  }

  private static double pick(Random random) {
    return SPECIAL_DOUBLES[random.nextInt(SPECIAL_DOUBLES.length)];
  }

  /** Up to {@code max} chars mixing ASCII, 2- and 3-byte UTF-8 and surrogate pairs (4 bytes). */
  private static String text(Random random, int max) {
    int n = random.nextInt(max + 1);
    StringBuilder s = new StringBuilder(n);
    while (s.length() < n) {
      switch (random.nextInt(8)) {
        case 0:
          s.append((char) (0x80 + random.nextInt(0x780))); // 2 bytes
          break;
        case 1:
          s.append((char) (0x800 + random.nextInt(0xD000 - 0x800))); // 3 bytes
          break;
        case 2:
          s.appendCodePoint(0x10000 + random.nextInt(0x100000)); // a surrogate pair, 4 bytes
          break;
        default:
          s.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return s.toString();
  }
}
