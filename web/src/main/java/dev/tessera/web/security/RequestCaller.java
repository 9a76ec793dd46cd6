package dev.tessera.web.security;

import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.ForbiddenException;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.UnauthenticatedException;
import jakarta.enterprise.context.RequestScoped;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The caller of the current request, as the authentication mechanism established it. */
@RequestScoped
public class RequestCaller implements Caller {
  private boolean platformAdmin;
  private KeyPrincipal key;
  private String rejection;

  void platformAdmin() {
    this.platformAdmin = true;
  }

  void key(KeyPrincipal principal) {
    this.key = principal;
  }

  void rejected(String why) {
    this.rejection = why;
  }

  /** The verified key, if a tenant key authenticated this request. */
  public Optional<KeyPrincipal> keyPrincipal() {
    return Optional.ofNullable(key);
  }

  @Override
  public boolean isAuthenticated() {
    return platformAdmin || key != null;
  }

  @Override
  public boolean isPlatformAdmin() {
    return platformAdmin;
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
    if (platformAdmin) {
      return Set.of(Role.PLATFORM_ADMIN);
    }
    return key == null ? Set.of() : key.roles();
  }

  @Override
  public void requireAuthenticated() {
    if (!isAuthenticated()) {
      throw new UnauthenticatedException(
          rejection != null ? rejection : "A bearer token or API key is required.");
    }
  }

  @Override
  public void requirePlatformAdmin() {
    requireAuthenticated();
    if (!platformAdmin) {
      throw new ForbiddenException("Only the platform operator may do this.");
    }
  }

  @Override
  public void requireTenantRole(TenantId tenant, Role... allowed) {
    requireAuthenticated();
    if (platformAdmin) {
      return;
    }
    if (!key.tenant().equals(tenant)) {
      // someone else's tenant: indistinguishable from one that does not exist
      throw new NotFoundException("tenant", tenant);
    }
    if (Arrays.stream(allowed).noneMatch(key.roles()::contains)) {
      throw new ForbiddenException("This key lacks the scope for this operation.");
    }
  }
}
