package dev.tessera.web.security;

import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.ForbiddenException;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.UnauthenticatedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The caller of the current request, as the authentication mechanism established it. One instance
 * serves every request and keeps what it learns on the request itself (an attribute): a
 * request-scoped bean would cost Payara an injection pass on every request.
 */
@ApplicationScoped
public class RequestCaller implements Caller {
  private static final String ATTRIBUTE = RequestCaller.class.getName();

  /** What authentication established; {@link #NOBODY} until it has. */
  private record Established(boolean platformAdmin, KeyPrincipal key, String rejection) {}

  private static final Established NOBODY = new Established(false, null, null);

  @Inject HttpServletRequest http;

  static void platformAdmin(ServletRequest request) {
    request.setAttribute(ATTRIBUTE, new Established(true, null, null));
  }

  static void key(ServletRequest request, KeyPrincipal principal) {
    request.setAttribute(ATTRIBUTE, new Established(false, principal, null));
  }

  static void rejected(ServletRequest request, String why) {
    request.setAttribute(ATTRIBUTE, new Established(false, null, why));
  }

  private Established established() {
    return http.getAttribute(ATTRIBUTE) instanceof Established e ? e : NOBODY;
  }

  /** The verified key, if a tenant key authenticated this request. */
  public Optional<KeyPrincipal> keyPrincipal() {
    return Optional.ofNullable(established().key());
  }

  @Override
  public boolean isAuthenticated() {
    Established e = established();
    return e.platformAdmin() || e.key() != null;
  }

  @Override
  public boolean isPlatformAdmin() {
    return established().platformAdmin();
  }

  @Override
  public Optional<TenantId> tenant() {
    return keyPrincipal().map(KeyPrincipal::tenant);
  }

  @Override
  public Optional<UUID> keyId() {
    return keyPrincipal().map(KeyPrincipal::keyId);
  }

  @Override
  public Set<Role> roles() {
    Established e = established();
    if (e.platformAdmin()) {
      return Set.of(Role.PLATFORM_ADMIN);
    }
    return e.key() == null ? Set.of() : e.key().roles();
  }

  @Override
  public void requireAuthenticated() {
    Established e = established();
    if (!e.platformAdmin() && e.key() == null) {
      throw new UnauthenticatedException(
          e.rejection() != null ? e.rejection() : "A bearer token or API key is required.");
    }
  }

  @Override
  public void requirePlatformAdmin() {
    requireAuthenticated();
    if (!isPlatformAdmin()) {
      throw new ForbiddenException("Only the platform operator may do this.");
    }
  }

  @Override
  public void requireTenantRole(TenantId tenant, Role... allowed) {
    requireAuthenticated();
    Established e = established();
    if (e.platformAdmin()) {
      return;
    }
    KeyPrincipal key = e.key();
    if (!key.tenant().equals(tenant)) {
      // someone else's tenant: indistinguishable from one that does not exist
      throw new NotFoundException("tenant", tenant);
    }
    if (Arrays.stream(allowed).noneMatch(key.roles()::contains)) {
      throw new ForbiddenException("This key lacks the scope for this operation.");
    }
  }
}
