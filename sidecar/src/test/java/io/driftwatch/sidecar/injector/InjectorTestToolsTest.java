package io.driftwatch.sidecar.injector;

import static io.driftwatch.sidecar.injector.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The test tools the injector tests rely on can fail: otherwise those tests could not. */
class InjectorTestToolsTest {

  @Test
  void theStrictModelCatchesAMisspeltField() {
    JsonNode pod =
        json(
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"securityContext\":{\"readOnlyRootFileSystem\":true}}]}}");
    assertThatThrownBy(() -> Fixtures.pod(pod))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("$.spec.containers[0].securityContext");
    Fixtures.pod(json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[]}}"));
  }

  @Test
  void thePatchApplierFollowsRfc6902() {
    JsonNode doc = json("{\"a\":{\"b\":[1,2]},\"m\":{\"x/y\":1}}");
    JsonNode patch =
        json("{\"p\":["
                + "{\"op\":\"add\",\"path\":\"/a/b/-\",\"value\":3},"
                + "{\"op\":\"add\",\"path\":\"/a/b/0\",\"value\":0},"
                + "{\"op\":\"replace\",\"path\":\"/m/x~1y\",\"value\":2},"
                + "{\"op\":\"add\",\"path\":\"/m/t~0\",\"value\":true}]}")
            .get("p");
    assertThat(JsonPatch.apply(doc, patch))
        .isEqualTo(json("{\"a\":{\"b\":[0,1,2,3]},\"m\":{\"x/y\":2,\"t~\":true}}"));
    assertThat(doc).isEqualTo(json("{\"a\":{\"b\":[1,2]},\"m\":{\"x/y\":1}}"));

    for (String bad :
        new String[] {
          "{\"op\":\"add\",\"path\":\"/missing/-\",\"value\":1}",
          "{\"op\":\"add\",\"path\":\"/a/b/5\",\"value\":1}",
          "{\"op\":\"replace\",\"path\":\"/a/c\",\"value\":1}",
          "{\"op\":\"add\",\"path\":\"a\",\"value\":1}",
          "{\"op\":\"remove\",\"path\":\"/a\"}",
        }) {
      assertThatThrownBy(() -> JsonPatch.apply(doc, json("{\"p\":[" + bad + "]}").get("p")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
