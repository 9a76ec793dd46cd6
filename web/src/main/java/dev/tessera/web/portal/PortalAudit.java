package dev.tessera.web.portal;

import dev.tessera.governance.api.Actor;
import dev.tessera.governance.api.AuditEvent;
import dev.tessera.governance.api.AuditLog;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.web.governance.AdminActionAudit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletRequest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records portal sign-ins, failed sign-ins, sign-outs and every change made through a portal page
 * in the tenant's audit log (governance), as the admin API's {@code AdminActionAudit} does for API
 * calls: the same action names ({@code api-keys.create}), the portal user as actor ({@code
 * user:<id>} or {@code operator}), the client address, the state before and after with secrets
 * redacted, and {@code portal} as the reference so the channel is visible.
 */
@ApplicationScoped
public class PortalAudit {
  private static final Logger LOG = Logger.getLogger(PortalAudit.class.getName());
  private static final JsonProvider JSON = JsonProvider.provider();
  static final String CHANNEL = "portal";
  private static final int MAX_TYPED = 254;

  /** Failed sign-ins itemised per organization and minute; past it, one entry says so. */
  static final int FAILED_SIGN_INS_ITEMISED = 20;

  @Inject AuditLog audit;

  final MinuteCounts failedSignIns = new MinuteCounts();

  /** Events per key in the current one-minute window (a bounded map: a flood cannot grow it). */
  static final class MinuteCounts {
    private static final long MINUTE = 60_000_000_000L;
    private static final int MAX_KEYS = 10_000;
    private final java.util.Map<Object, long[]> windows = new java.util.HashMap<>();

    /** Counts one event of {@code key} at {@code nanoTime}; answers the count in its minute. */
    synchronized int count(Object key, long nanoTime) {
      long[] w = windows.get(key);
      if (w == null || nanoTime - w[0] >= MINUTE) {
        if (w == null && windows.size() >= MAX_KEYS) {
          windows.clear();
        }
        w = new long[] {nanoTime, 0};
        windows.put(key, w);
      }
      return (int) Math.min(Integer.MAX_VALUE, ++w[1]);
    }
  }

  /** A change through a portal page; {@code before}/{@code after} are DTOs, maps or null. */
  void change(
      TenantId tenant,
      PortalUser user,
      HttpServletRequest http,
      String action,
      String targetType,
      String targetId,
      Object before,
      Object after) {
    change(tenant, actor(user, http), action, targetType, targetId, before, after);
  }

  /** The same, for work that ends after the page's request: the actor was taken when it began. */
  void change(
      TenantId tenant,
      Actor actor,
      String action,
      String targetType,
      String targetId,
      Object before,
      Object after) {
    String afterJson = AdminActionAudit.redactedJson(after);
    String target = targetId != null ? targetId : idOf(afterJson);
    record(
        tenant,
        actor,
        new AuditEvent(
            action, targetType, target, AdminActionAudit.redactedJson(before), afterJson, CHANNEL));
  }

  /** A successful sign-in of a tenant's user (the operator has no tenant log; it is logged). */
  void signedIn(PortalUser user, HttpServletRequest http) {
    if (user.isOperator()) {
      return;
    }
    record(
        new TenantId(user.tenantId()),
        actor(user, http),
        new AuditEvent(
            "portal.sign-in",
            "user",
            user.subject(),
            null,
            JSON.createObjectBuilder().add("method", user.method()).build().toString(),
            CHANNEL));
  }

  /**
   * A refused sign-in to an existing organization: the account typed (the tenant's own data, in its
   * own log) and why ({@code wrong} or {@code locked}); nobody is signed in, so the actor is {@code
   * anonymous}.
   */
  void signInFailed(TenantId tenant, String email, String reason, HttpServletRequest http) {
    int n = failedSignIns.count(tenant, System.nanoTime());
    if (n > FAILED_SIGN_INS_ITEMISED) {
      if (n == FAILED_SIGN_INS_ITEMISED + 1) {
        // someone is guessing faster than a person types: one entry says so, the rest of this
        // minute is counted in the server log (WEB-0302) only, so the log cannot be flooded
        record(
            tenant,
            new Actor("anonymous", address(http)),
            new AuditEvent(
                "portal.sign-in.failed.throttled",
                "tenant",
                tenant.value().toString(),
                null,
                JSON.createObjectBuilder()
                    .add("itemisedPerMinute", FAILED_SIGN_INS_ITEMISED)
                    .build()
                    .toString(),
                CHANNEL));
      }
      return;
    }
    String typed = email == null ? "" : email.strip();
    if (typed.length() > MAX_TYPED) {
      typed = typed.substring(0, MAX_TYPED);
    }
    record(
        tenant,
        new Actor("anonymous", address(http)),
        new AuditEvent(
            "portal.sign-in.failed",
            "account",
            typed,
            null,
            JSON.createObjectBuilder().add("reason", reason).build().toString(),
            CHANNEL));
  }

  /** A sign-out of this browser, or of every session the person has ({@code everywhere}). */
  void signedOut(PortalUser user, boolean everywhere, HttpServletRequest http) {
    if (user.isOperator()) {
      return;
    }
    record(
        new TenantId(user.tenantId()),
        actor(user, http),
        new AuditEvent(
            everywhere ? "portal.sign-out.everywhere" : "portal.sign-out",
            "user",
            user.subject(),
            null,
            null,
            CHANNEL));
  }

  /** The audit actor of a portal user, as {@code PortalAccess.actor()} names it. */
  static Actor actor(PortalUser user, HttpServletRequest http) {
    return new Actor(user.isOperator() ? "operator" : "user:" + user.subject(), address(http));
  }

  private static String address(HttpServletRequest http) {
    return http == null ? null : http.getRemoteAddr();
  }

  private void record(TenantId tenant, Actor actor, AuditEvent event) {
    try {
      audit.record(tenant, actor, event);
    } catch (RuntimeException e) {
      // the action itself has happened; a missing entry is logged loudly rather than hidden
      LOG.log(
          Level.WARNING,
          "WEB-0311 portal action not audited: " + event.action() + " in " + tenant.value(),
          e);
    }
  }

  private static String idOf(String json) {
    if (json == null) {
      return null;
    }
    try {
      var v = JSON.createReader(new java.io.StringReader(json)).readValue();
      if (v instanceof jakarta.json.JsonObject o
          && o.get("id") instanceof jakarta.json.JsonString s) {
        return s.getString();
      }
    } catch (RuntimeException notAnObject) {
      // no id to take
    }
    return null;
  }
}
