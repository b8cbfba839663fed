package io.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Value;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class ObservationTest {

  @Test
  void projectsEveryValueKind() {
    PredictionRecord r =
        PredictionRecord.newBuilder()
            .setModel("m")
            .setModelVersion("2")
            .setPredictionId("abc")
            .putFeatures("n", Value.newBuilder().setNumber(1.5).build())
            .putFeatures("t", Value.newBuilder().setText("x").build())
            .putFeatures("f", Value.newBuilder().setFlag(false).build())
            .putFeatures("z", Value.newBuilder().setNull(true).build())
            .putFeatures("l", Value.newBuilder().setNumbers(NumberList.newBuilder()).build())
            .putFeatures("u", Value.getDefaultInstance())
            .build();
    Observation o = Observation.of(r, 8, 0);
    assertThat(o.seriesKey()).isEqualTo("m/2");
    assertThat(o.bucketKey()).isEqualTo("m/2#" + o.bucket);
    assertThat(o.outputs).isNull();
    assertThat(o.inputs.size()).isEqualTo(6);
    List<String> names = Arrays.asList(o.inputs.names);
    assertThat(o.inputs.kinds[names.indexOf("n")]).isEqualTo(Columns.NUMBER);
    assertThat(o.inputs.numbers[names.indexOf("n")]).isEqualTo(1.5);
    assertThat(o.inputs.kinds[names.indexOf("t")]).isEqualTo(Columns.TEXT);
    assertThat(o.inputs.texts[names.indexOf("t")]).isEqualTo("x");
    assertThat(o.inputs.kinds[names.indexOf("f")]).isEqualTo(Columns.FALSE);
    assertThat(o.inputs.kinds[names.indexOf("z")]).isEqualTo(Columns.NULL);
    assertThat(o.inputs.kinds[names.indexOf("l")]).isEqualTo(Columns.LIST);
    assertThat(o.inputs.kinds[names.indexOf("u")]).isEqualTo(Columns.NULL);
  }

  @Test
  void bucketsAreDeterministicAndSpreadSequentialIds() {
    int[] perBucket = new int[8];
    for (int i = 0; i < 8000; i++) {
      PredictionRecord r = PredictionRecord.newBuilder().setPredictionId("id-" + i).build();
      int b = Observation.of(r, 8, 0).bucket;
      assertThat(Observation.of(r, 8, 99).bucket).isEqualTo(b);
      perBucket[b]++;
    }
    assertThat(Arrays.stream(perBucket).boxed())
        .allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    PredictionRecord anonymous = PredictionRecord.getDefaultInstance();
    assertThat(Observation.of(anonymous, 8, 3).bucket).isEqualTo(3);
    assertThat(Observation.of(anonymous, 8, 11).bucket).isEqualTo(3);
  }

  /** Records between operators must not fall back to Kryo. */
  @Test
  void everyRecordTypeOfTheBranchIsAFlinkPojo() {
    for (Class<?> type :
        List.of(Observation.class, Columns.class, ProfilePart.class, ProfileUpdate.class)) {
      TypeInformation<?> info = TypeInformation.of(type);
      assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
      PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
      for (int i = 0; i < pojo.getArity(); i++) {
        assertThat(pojo.getPojoFieldAt(i).getTypeInformation())
            .as(type.getSimpleName() + "." + pojo.getPojoFieldAt(i).getField().getName())
            .isNotInstanceOf(GenericTypeInfo.class);
      }
    }
  }
}
