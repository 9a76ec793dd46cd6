package dev.tessera.web.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.governance.api.Actor;
import dev.tessera.governance.api.AuditEvent;
import dev.tessera.governance.api.AuditLog;
import dev.tessera.tenancy.api.TenantId;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PortalAuditTest {
  @Test
  void a_minute_counts_per_key_and_starts_again() {
    PortalAudit.MinuteCounts counts = new PortalAudit.MinuteCounts();
    long t0 = 1_000_000_000L;
    assertThat(counts.count("a", t0)).isEqualTo(1);
    assertThat(counts.count("a", t0 + 1)).isEqualTo(2);
    assertThat(counts.count("b", t0 + 2)).isEqualTo(1);
    assertThat(counts.count("a", t0 + 59_000_000_000L)).isEqualTo(3);
    assertThat(counts.count("a", t0 + 60_000_000_000L)).as("a new minute").isEqualTo(1);
  }

  @Test
  void a_flood_of_failed_sign_ins_is_itemised_up_to_the_limit_then_noted_once() {
    List<AuditEvent> written = new ArrayList<>();
    PortalAudit audit = new PortalAudit();
    audit.audit =
        (AuditLog)
            Proxy.newProxyInstance(
                AuditLog.class.getClassLoader(),
                new Class<?>[] {AuditLog.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("record") && args[2] instanceof AuditEvent e) {
                    assertThat(args[1]).isInstanceOf(Actor.class);
                    written.add(e);
                    return (long) written.size();
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    TenantId tenant = new TenantId(UUID.randomUUID());
    for (int i = 0; i < 500; i++) {
      audit.signInFailed(tenant, "guess" + i + "@example.com", "wrong", null);
    }
    assertThat(written).hasSize(PortalAudit.FAILED_SIGN_INS_ITEMISED + 1);
    assertThat(written.subList(0, PortalAudit.FAILED_SIGN_INS_ITEMISED))
        .allSatisfy(e -> assertThat(e.action()).isEqualTo("portal.sign-in.failed"));
    assertThat(written.get(PortalAudit.FAILED_SIGN_INS_ITEMISED).action())
        .isEqualTo("portal.sign-in.failed.throttled");
    // another organization is counted on its own
    audit.signInFailed(new TenantId(UUID.randomUUID()), "x@example.com", "wrong", null);
    assertThat(written.get(written.size() - 1).action()).isEqualTo("portal.sign-in.failed");
  }
}
