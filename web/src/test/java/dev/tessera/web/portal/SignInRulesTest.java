package dev.tessera.web.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantLimits;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import dev.tessera.tenancy.api.Tier;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The portal's sign-in rules that need no server: paths, lockout, revocation, SSO mapping. */
class SignInRulesTest {

  static HttpServletRequest request(String contextPath, String uri) {
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            SignInRulesTest.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (p, m, a) ->
                switch (m.getName()) {
                  case "getRequestURI" -> uri;
                  case "getContextPath" -> contextPath;
                  default -> throw new UnsupportedOperationException(m.getName());
                });
  }

  @Test
  void only_paths_under_portal_go_to_the_portal_mechanism() {
    assertThat(PortalAuthentication.handles(request("", "/portal"))).isTrue();
    assertThat(PortalAuthentication.handles(request("", "/portal/keys.xhtml"))).isTrue();
    assertThat(PortalAuthentication.handles(request("/tessera", "/tessera/portal/"))).isTrue();
    assertThat(PortalAuthentication.handles(request("", "/portals"))).isFalse();
    assertThat(PortalAuthentication.handles(request("", "/v1/chat/completions"))).isFalse();
    assertThat(PortalAuthentication.handles(request("/tessera", "/portal/x"))).isFalse();
  }

  static SessionGuard guard(int attempts) {
    SessionGuard g = new SessionGuard();
    g.attempts = attempts;
    g.lockout = Duration.ofMinutes(15);
    g.maxAge = Duration.ofHours(12);
    g.clustered = false;
    g.init();
    return g;
  }

  @Test
  void an_account_locks_at_the_nth_failure_and_success_before_that_resets_the_count() {
    SessionGuard g = guard(3);
    String acct = SessionGuard.account("Acme ", "Ann@Acme.example");
    assertThat(acct).isEqualTo(SessionGuard.account("acme", "ann@acme.example"));
    assertThat(g.failed(acct)).isFalse();
    assertThat(g.failed(acct)).isFalse();
    g.succeeded(acct);
    assertThat(g.failed(acct)).isFalse();
    assertThat(g.failed(acct)).isFalse();
    assertThat(g.isLocked(acct)).isFalse();
    assertThat(g.failed(acct)).as("the third in a row locks").isTrue();
    assertThat(g.isLocked(acct)).isTrue();
    assertThat(g.isLocked(SessionGuard.account("acme", "bob@acme.example"))).isFalse();
  }

  @Test
  void signing_out_everywhere_ends_older_sessions_of_that_person_only() throws Exception {
    SessionGuard g = guard(5);
    PortalUser ann = user("ann", Instant.now().minusSeconds(60));
    PortalUser bob = user("bob", Instant.now().minusSeconds(60));
    assertThat(g.isCurrent(ann)).isTrue();
    g.revokeAll(ann);
    assertThat(g.isCurrent(ann)).isFalse();
    assertThat(g.isCurrent(bob)).isTrue();
    Thread.sleep(2);
    assertThat(g.isCurrent(user("ann", Instant.now()))).as("a later sign-in").isTrue();
    assertThat(g.isCurrent(user("bob", Instant.now().minus(Duration.ofHours(13)))))
        .as("older than the maximum age")
        .isFalse();
  }

  static final UUID TENANT = UUID.randomUUID();

  static PortalUser user(String subject, Instant at) {
    return new PortalUser(
        TENANT, "acme", subject, null, subject, EnumSet.of(Role.VIEWER), "password", at);
  }

  static OidcSignIn oidc() {
    OidcSignIn s = new OidcSignIn();
    s.settings = new OidcSettings();
    s.settings.groupPrefix = "/tessera/";
    TenantView acme =
        new TenantView(
            new TenantId(TENANT),
            "acme",
            "Acme",
            Tier.STANDARD,
            TenantStatus.ACTIVE,
            (TenantLimits) null,
            Instant.now(),
            null);
    s.tenants =
        (Tenants)
            Proxy.newProxyInstance(
                SignInRulesTest.class.getClassLoader(),
                new Class<?>[] {Tenants.class},
                (p, m, a) -> {
                  if (m.getName().equals("findBySlug")) {
                    return "acme".equals(a[0]) ? Optional.of(acme) : Optional.empty();
                  }
                  throw new UnsupportedOperationException(m.getName());
                });
    return s;
  }

  static JsonObject claims(String... groups) {
    var g = Json.createArrayBuilder();
    for (String x : groups) {
      g.add(x);
    }
    return Json.createObjectBuilder()
        .add("sub", "kc-1")
        .add("email", "ann@acme.example")
        .add("name", "Ann")
        .add("groups", g)
        .build();
  }

  @Test
  void keycloak_groups_name_the_tenant_and_the_roles() {
    PortalUser u =
        oidc()
            .userOf(claims("/tessera/acme/TENANT_ADMIN", "/tessera/acme/billing", "/other/VIEWER"));
    assertThat(u.tenantId()).isEqualTo(TENANT);
    assertThat(u.roles()).containsExactlyInAnyOrder(Role.TENANT_ADMIN, Role.BILLING);
    assertThat(u.subject()).isEqualTo("oidc:kc-1");
  }

  @Test
  void no_role_two_tenants_an_unknown_tenant_or_a_platform_role_sign_nobody_in() {
    assertThatThrownBy(() -> oidc().userOf(claims("/tessera/acme")))
        .hasMessageContaining("no role");
    assertThatThrownBy(() -> oidc().userOf(claims("/tessera/acme/PLATFORM_ADMIN")))
        .hasMessageContaining("no role");
    assertThatThrownBy(
            () -> oidc().userOf(claims("/tessera/acme/VIEWER", "/tessera/globex/VIEWER")))
        .hasMessageContaining("several organizations");
    assertThatThrownBy(() -> oidc().userOf(claims("/tessera/globex/VIEWER")))
        .hasMessageContaining("not active");
  }

  @Test
  void credits_in_forms_become_exact_micro_credits() {
    assertThat(Money.toMicro(new BigDecimal("25.5"))).isEqualTo(25_500_000L);
    assertThat(Money.toMicro(new BigDecimal("0.000001"))).isEqualTo(1L);
    assertThatThrownBy(() -> Money.toMicro(new BigDecimal("0.0000001")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Money().credits(12_500_000L)).isEqualTo("12.5");
  }
}
