package io.driftwatch.sidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/injector.md shows what the code does: its key table, its example patch, its example YAML.
 */
class InjectorDocsTest {
  private static final Path DOC = Path.of("..", "docs", "injector.md");

  private static String doc() throws IOException {
    return Files.readString(DOC);
  }

  /** The fenced block of {@code language} that follows {@code after}. */
  private static String block(String after, String language) throws IOException {
    String doc = doc();
    int at = doc.indexOf(after);
    assertThat(at).as("docs/injector.md contains %s", after).isNotNegative();
    int start = doc.indexOf("```" + language + "\n", at) + language.length() + 4;
    return doc.substring(start, doc.indexOf("\n```", start));
  }

  @Test
  void theKeyTableListsEveryKeyAndNothingElse() throws IOException {
    List<String> rows =
        doc()
            .lines()
            .filter(l -> l.startsWith("| `") && l.contains("`" + InjectorConfig.ENV_PREFIX))
            .collect(Collectors.toList());
    List<String> expected = new ArrayList<>();
    for (InjectorConfig.Key k : InjectorConfig.KEYS) {
      String def =
          k.required()
              ? "(required)"
              : k.defaultValue().isEmpty() ? "(empty)" : "`" + k.defaultValue() + "`";
      expected.add("| `" + k.name() + "` | `" + k.env() + "` | " + def + " | " + k.doc() + " |");
    }
    assertThat(rows).containsExactlyElementsOf(expected);
  }

  @Test
  void theExamplePatchIsWhatTheInjectorProducesForTheFixture() throws IOException {
    SidecarInjector injector =
        new SidecarInjector(
            Fixtures.config().kafkaBootstrapServers("kafka.driftwatch:9092").build());
    JsonNode documented =
        Fixtures.JSON.readTree(block("the response's patch, base64-decoded", "json"));
    // Compared as sent: JSON text, read back.
    String sent = injector.decide(Fixtures.tritonPod()).patch().toString();
    assertThat(Fixtures.JSON.readTree(sent)).isEqualTo(documented);
  }

  @Test
  void theExampleRegistrationIsTheTestedOne() throws IOException {
    MutatingWebhookConfiguration documented =
        InjectorWebhookManifestTest.YAML.readValue(
            block("The registration, as an example", "yaml"), MutatingWebhookConfiguration.class);
    StrictModel.assertNoUnknownFields(documented);
    MutatingWebhookConfiguration tested = InjectorWebhookManifestTest.manifest();
    assertThat(documented.getWebhooks()).isEqualTo(tested.getWebhooks());
    assertThat(documented.getMetadata().getAnnotations())
        .isEqualTo(tested.getMetadata().getAnnotations());
  }
}
