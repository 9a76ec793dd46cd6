package dev.tessera.web.portal;

import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.UUID;

/**
 * The portal's authorization, the admin API's rules in page form: the operator may open any tenant;
 * a tenant's user only its own (another tenant, or a malformed id, is "not found") and only the
 * pages its roles cover. Page beans call it on load and again in every action.
 */
@ApplicationScoped
public class PortalAccess {
  @Inject HttpServletRequest request;
  @Inject Tenants tenants;

  /** The signed-in user; the mechanism lets nobody else reach a portal page. */
  public PortalUser user() {
    PortalUser u = PortalAuthentication.sessionUser(request);
    if (u == null) {
      throw PortalDenied.notFound();
    }
    return u;
  }

  /**
   * The tenant a page is about: {@code requested} (the page's {@code tenant} parameter), or for a
   * tenant's user its own when none is given; checked against the user's roles.
   */
  public TenantView tenant(String requested, Set<Role> allowed) {
    PortalUser u = user();
    TenantId id;
    if (requested == null || requested.isBlank()) {
      if (u.isOperator()) {
        throw new PortalDenied(404, "Choose a tenant on the Tenants page first.");
      }
      id = new TenantId(u.tenantId());
    } else {
      try {
        id = new TenantId(UUID.fromString(requested.strip()));
      } catch (IllegalArgumentException e) {
        throw PortalDenied.notFound();
      }
      if (!u.isOperator() && !id.value().equals(u.tenantId())) {
        throw PortalDenied.notFound();
      }
    }
    TenantView t = tenants.find(id).orElseThrow(PortalDenied::notFound);
    if (!u.hasAny(allowed)) {
      throw PortalDenied.forbidden();
    }
    return t;
  }

  /** Passes for the platform operator only. */
  public void requireOperator() {
    if (!user().isOperator()) {
      throw PortalDenied.forbidden();
    }
  }

  /** True when the user holds any of the roles. */
  public boolean can(Set<Role> roles) {
    PortalUser u = PortalAuthentication.sessionUser(request);
    return u != null && u.hasAny(roles);
  }

  /**
   * The current request, for the audit log's client address. Callers hold a CDI client proxy of
   * this bean, whose own fields are empty: they must ask through a method, never read the field.
   */
  public HttpServletRequest http() {
    return request;
  }

  /** The actor recorded with changes made through the portal. */
  public String actor() {
    PortalUser u = user();
    return u.isOperator() ? "operator" : "user:" + u.subject();
  }
}
