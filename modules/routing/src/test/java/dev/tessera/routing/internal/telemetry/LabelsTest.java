package dev.tessera.routing.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.UnknownModelException;
import dev.tessera.tenancy.api.TenantId;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Label values stay bounded: tenants past the limit share one label, errors use a fixed vocabulary.
 */
class LabelsTest {
  @Test
  void tenants_past_the_limit_share_the_label_other() {
    TenantLabels labels = new TenantLabels(2);
    TenantId a = new TenantId(UUID.randomUUID());
    TenantId b = new TenantId(UUID.randomUUID());
    TenantId c = new TenantId(UUID.randomUUID());
    assertThat(labels.of(a)).isEqualTo(a.toString());
    assertThat(labels.of(b)).isEqualTo(b.toString());
    assertThat(labels.of(c)).isEqualTo(TenantLabels.OTHER);
    assertThat(labels.of(a)).as("a labelled tenant keeps its label").isEqualTo(a.toString());
    assertThat(new TenantLabels(0).of(a)).isEqualTo(TenantLabels.ALL);
  }

  @Test
  void error_types_are_provider_kinds_or_exception_names() {
    assertThat(
            ErrorTypes.of(
                new ProviderException(ProviderException.Kind.SERVER_ERROR, "openai", "down", null)))
        .isEqualTo("server_error");
    assertThat(ErrorTypes.of(new UnknownModelException("made-up", "no such model")))
        .isEqualTo("unknown_model");
    assertThat(ErrorTypes.of(null)).isEmpty();
  }
}
