package io.driftwatch.sidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The example registration parses into the Kubernetes model, with the settings we promise. */
class InjectorWebhookManifestTest {
  static final ObjectMapper YAML = new YAMLMapper();

  static MutatingWebhookConfiguration manifest() throws IOException {
    try (InputStream in =
        InjectorWebhookManifestTest.class.getResourceAsStream("/injector/mutating-webhook.yaml")) {
      return YAML.readValue(in, MutatingWebhookConfiguration.class);
    }
  }

  @Test
  void parsesWithNoFieldTheModelDoesNotKnow() throws IOException {
    MutatingWebhookConfiguration config = manifest();
    StrictModel.assertNoUnknownFields(config);
    assertThat(config.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
    assertThat(config.getKind()).isEqualTo("MutatingWebhookConfiguration");
    assertThat(config.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", "driftwatch/driftwatch-injector");
  }

  @Test
  void neverBlocksAPodAndOnlySeesPodCreationsInOptedInNamespaces() throws IOException {
    MutatingWebhook hook = manifest().getWebhooks().get(0);
    assertThat(manifest().getWebhooks()).hasSize(1);
    assertThat(hook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(hook.getSideEffects()).isEqualTo("None");
    assertThat(hook.getAdmissionReviewVersions())
        .containsExactly(AdmissionCodec.API_VERSION.substring("admission.k8s.io/".length()));
    assertThat(hook.getTimeoutSeconds()).isEqualTo(5);
    assertThat(hook.getReinvocationPolicy()).isEqualTo("Never");
    assertThat(hook.getClientConfig().getService().getPath()).isEqualTo(WebhookHandler.MUTATE);
    assertThat(hook.getClientConfig().getService().getPort()).isEqualTo(443);
    assertThat(hook.getClientConfig().getUrl()).isNull();
    assertThat(hook.getRules()).singleElement().satisfies(this::onlyPodCreation);
    LabelSelector namespaces = hook.getNamespaceSelector();
    assertThat(namespaces.getMatchLabels()).containsEntry("driftwatch.io/injection", "enabled");
    assertThat(hook.getObjectSelector().getMatchExpressions())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKey()).isEqualTo("app.kubernetes.io/name");
              assertThat(e.getOperator()).isEqualTo("NotIn");
              assertThat(e.getValues()).containsExactly("driftwatch-injector");
            });
  }

  private void onlyPodCreation(RuleWithOperations rule) {
    assertThat(rule.getOperations()).containsExactly("CREATE");
    assertThat(rule.getApiGroups()).containsExactly("");
    assertThat(rule.getApiVersions()).containsExactly("v1");
    assertThat(rule.getResources()).containsExactly("pods");
    assertThat(rule.getScope()).isEqualTo("Namespaced");
  }
}
