package dev.tessera.web.portal;

import dev.tessera.tenancy.api.OperatorToken;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import dev.tessera.tenancy.api.UserView;
import dev.tessera.tenancy.api.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Checks a portal sign-in: a tenant user's password (the tenancy module's identity store) or the
 * operator's token, behind the lockout. Every outcome is logged by id (never the email).
 */
@ApplicationScoped
public class PasswordSignIn {
  private static final Logger LOG = Logger.getLogger(PasswordSignIn.class.getName());
  static final String WRONG = "The organization, email or password is not right.";

  /**
   * A signed-in user, or why not: the message for the page, and for the audit log the tenant the
   * organization named (null when none) and {@code wrong} or {@code locked}.
   */
  record Outcome(PortalUser user, String problem, TenantId tenant, String reason) {}

  @Inject Tenants tenants;
  @Inject Users users;
  @Inject OperatorToken operatorToken;
  @Inject SessionGuard guard;

  Outcome verify(PortalCredential c) {
    String account =
        c.isOperator() ? "operator" : SessionGuard.account(c.organization(), c.email());
    if (guard.isLocked(account)) {
      LOG.warning("WEB-0303 portal sign-in refused: account locked (" + hash(account) + ")");
      return locked(c);
    }
    Optional<PortalUser> user = c.isOperator() ? operator(c) : tenantUser(c);
    if (user.isPresent()) {
      guard.succeeded(account);
      LOG.info("WEB-0301 portal sign-in: " + user.get().logName());
      return new Outcome(user.get(), null, null, null);
    }
    boolean nowLocked = guard.failed(account);
    LOG.warning(
        "WEB-0302 portal sign-in failed ("
            + hash(account)
            + ")"
            + (nowLocked ? "; account locked for " + guard.lockout() : ""));
    return nowLocked ? locked(c) : new Outcome(null, WRONG, tenantOf(c), "wrong");
  }

  private Outcome locked(PortalCredential c) {
    return new Outcome(
        null,
        "Too many failed sign-ins: this account is locked for "
            + guard.lockout().toMinutes()
            + " minutes after the last attempt. Wait, or ask your administrator.",
        tenantOf(c),
        "locked");
  }

  /** The tenant a tenant-user sign-in named, for its audit log; null for the operator or none. */
  private TenantId tenantOf(PortalCredential c) {
    if (c.isOperator() || c.organization() == null || c.organization().isBlank()) {
      return null;
    }
    return tenants.findBySlug(c.organization()).map(TenantView::id).orElse(null);
  }

  private Optional<PortalUser> operator(PortalCredential c) {
    if (c.password() == null || !operatorToken.matches(c.password().strip())) {
      return Optional.empty();
    }
    return Optional.of(PortalUser.operator(Instant.now()));
  }

  private Optional<PortalUser> tenantUser(PortalCredential c) {
    Optional<TenantView> tenant = tenants.findBySlug(c.organization());
    if (tenant.isEmpty() || tenant.get().status() != TenantStatus.ACTIVE) {
      return Optional.empty();
    }
    TenantView t = tenant.get();
    Optional<UserView> user = users.verifyPassword(t.id(), c.email(), c.password());
    return user.map(
        u ->
            new PortalUser(
                t.id().value(),
                t.slug(),
                u.id().toString(),
                u.email(),
                u.displayName(),
                u.roles(),
                "password",
                Instant.now()));
  }

  /** A short, stable, non-reversible tag of the account for the log. */
  private static String hash(String account) {
    return Integer.toHexString(account.hashCode());
  }
}
