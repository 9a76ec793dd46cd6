package dev.tessera.tenancy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.tenancy.api.TenantId;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {
  @Test
  void a_key_names_its_tenant_and_is_unguessable() {
    TenantId tenant = new TenantId(UUID.randomUUID());
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String key = ApiKeyFormat.issue(tenant);
      assertThat(key).startsWith("tsk_").hasSize(4 + 22 + 1 + 43);
      assertThat(ApiKeyFormat.tenantOf(key)).contains(tenant);
      keys.add(key);
    }
    assertThat(keys).hasSize(1000);
  }

  @Test
  void anything_not_shaped_like_a_key_names_no_tenant() {
    assertThat(ApiKeyFormat.tenantOf(null)).isEmpty();
    assertThat(ApiKeyFormat.tenantOf("")).isEmpty();
    assertThat(ApiKeyFormat.tenantOf("sk-openai-style")).isEmpty();
    String good = ApiKeyFormat.issue(new TenantId(UUID.randomUUID()));
    assertThat(ApiKeyFormat.tenantOf(good.substring(1))).isEmpty();
    assertThat(ApiKeyFormat.tenantOf(good + "x")).isEmpty();
    assertThat(ApiKeyFormat.tenantOf("tsk_" + "!".repeat(22) + "_" + "a".repeat(43))).isEmpty();
  }

  @Test
  void the_display_prefix_is_too_short_to_use() {
    String key = ApiKeyFormat.issue(new TenantId(UUID.randomUUID()));
    String prefix = ApiKeyFormat.displayPrefix(key);
    assertThat(key).startsWith(prefix.substring(0, prefix.length() - 1));
    assertThat(prefix.length()).isLessThan(key.length() / 2);
  }
}
