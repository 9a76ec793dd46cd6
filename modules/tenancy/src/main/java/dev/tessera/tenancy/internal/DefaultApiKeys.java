package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.ApiKeyScope;
import dev.tessera.tenancy.api.ApiKeyView;
import dev.tessera.tenancy.api.ApiKeys;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.IssuedApiKey;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.NewApiKey;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * API keys: issued once, stored as a hash, verified with a short local cache. A cached verification
 * lives at most one second, so a revocation is refused on every instance within a second without
 * any cluster message.
 */
@ApplicationScoped
public class DefaultApiKeys implements ApiKeys {
  private static final long CACHE_NANOS = 1_000_000_000L;
  private static final int CACHE_MAX = 50_000;

  @Inject TenantTransactions tx;
  @Inject TenantPlacements placements;

  private final Map<String, Verified> verified = new ConcurrentHashMap<>();
  // hashes of keys this instance has verified valid: never held back by the failure budgets
  private final Set<String> knownGood = ConcurrentHashMap.newKeySet();
  // key ids seen unrevoked and unexpired (for batch work), until when
  private final Map<UUID, Long> activeUntil = new ConcurrentHashMap<>();
  private final FailedAuthentications failures = new FailedAuthentications();

  private record Verified(KeyPrincipal principal, long validUntilNanos) {}

  @Override
  public IssuedApiKey create(TenantId tenant, NewApiKey request) {
    Validation.required("body", request);
    String name = Validation.text("name", request.name(), 100);
    Set<ApiKeyScope> scopes =
        request.scopes() == null || request.scopes().isEmpty()
            ? EnumSet.of(ApiKeyScope.INFERENCE)
            : EnumSet.copyOf(request.scopes());
    if (request.expiresAt() != null && !request.expiresAt().isAfter(Instant.now())) {
      throw InvalidInputException.field("expiresAt", "must be in the future");
    }
    String key = ApiKeyFormat.issue(tenant);
    ApiKeyRecord r = new ApiKeyRecord();
    r.id = UUID.randomUUID();
    r.tenantId = tenant.value();
    r.name = name;
    r.displayPrefix = ApiKeyFormat.displayPrefix(key);
    r.secretHash = LocalSecrets.sha256(key);
    r.scopes = scopes.stream().map(ApiKeyScope::wireName).toArray(String[]::new);
    r.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    r.expiresAt =
        request.expiresAt() == null ? null : request.expiresAt().truncatedTo(ChronoUnit.MICROS);
    tx.inSession(
        tenant,
        s -> {
          s.persist(r);
          return null;
        });
    return new IssuedApiKey(r.toView(), key);
  }

  @Override
  public Page<ApiKeyView> list(TenantId tenant, PageRequest page) {
    return tx.inSession(
        tenant,
        s ->
            Pages.of(
                Pages.fetch(
                    s, ApiKeyRecord.class, "e.tenantId = :t", Map.of("t", tenant.value()), page),
                page.size(),
                ApiKeyRecord::toView,
                k -> k.createdAt,
                k -> k.id));
  }

  @Override
  public ApiKeyView revoke(TenantId tenant, UUID keyId) {
    ApiKeyView view =
        tx.inSession(
            tenant,
            s -> {
              ApiKeyRecord r = s.find(ApiKeyRecord.class, keyId);
              if (r == null || !r.tenantId.equals(tenant.value())) {
                throw new NotFoundException("API key", keyId);
              }
              if (r.revokedAt == null) {
                r.revokedAt = Instant.now();
              }
              return r.toView();
            });
    verified.values().removeIf(v -> v.principal().keyId().equals(keyId));
    activeUntil.remove(keyId);
    return view;
  }

  @Override
  public boolean isActive(TenantId tenant, UUID keyId) {
    long now = System.nanoTime();
    Long until = activeUntil.get(keyId);
    if (until != null && now < until) {
      return true;
    }
    boolean active =
        tx.inSession(
            tenant,
            s -> {
              ApiKeyRecord r =
                  s.createQuery(
                          "from ApiKeyRecord k where k.tenantId = :t and k.id = :id",
                          ApiKeyRecord.class)
                      .setParameter("t", tenant.value())
                      .setParameter("id", keyId)
                      .uniqueResult();
              return r != null
                  && r.revokedAt == null
                  && (r.expiresAt == null || r.expiresAt.isAfter(Instant.now().plusSeconds(1)));
            });
    if (active) {
      if (activeUntil.size() >= CACHE_MAX) {
        activeUntil.clear();
      }
      activeUntil.put(keyId, now + CACHE_NANOS);
    } else {
      activeUntil.remove(keyId);
    }
    return active;
  }

  @Override
  public Optional<KeyPrincipal> authenticate(String presentedKey) {
    return authenticate(presentedKey, "unknown");
  }

  @Override
  public Optional<KeyPrincipal> authenticate(String presentedKey, String clientAddress) {
    Optional<TenantId> claimed = ApiKeyFormat.tenantOf(presentedKey);
    if (claimed.isEmpty()) {
      return Optional.empty();
    }
    byte[] hash = LocalSecrets.sha256(presentedKey);
    String cacheKey = HexFormat.of().formatHex(hash);
    long now = System.nanoTime();
    Verified hit = verified.get(cacheKey);
    if (hit != null && now < hit.validUntilNanos()) {
      return Optional.of(hit.principal());
    }
    TenantId tenant = claimed.get();
    // keys never seen valid here are looked up only within the failure budgets, a few at a time
    boolean known = knownGood.contains(cacheKey);
    if (!known && failures.shedding(cacheKey, clientAddress, tenant, now)) {
      return Optional.empty();
    }
    Optional<KeyPrincipal> found = lookUp(tenant, hash, cacheKey, now, known, clientAddress);
    if (found.isEmpty()) {
      failures.failed(cacheKey, clientAddress, tenant, now);
    } else if (!known) {
      if (knownGood.size() >= CACHE_MAX) {
        knownGood.clear();
      }
      knownGood.add(cacheKey);
    }
    return found;
  }

  private Optional<KeyPrincipal> lookUp(
      TenantId tenant, byte[] hash, String cacheKey, long now, boolean known, String address) {
    Optional<Placement> placement = placements.find(tenant);
    if (placement.isEmpty() || placement.get().status() != TenantStatus.ACTIVE) {
      verified.remove(cacheKey);
      return Optional.empty();
    }
    Semaphore gate = known ? null : failures.gate(tenant);
    if (!known && gate == null) {
      return Optional.empty();
    }
    Optional<Verified> fresh;
    try {
      // failures counted while this one waited for its turn count against it too
      if (!known && failures.shedding(cacheKey, address, tenant, System.nanoTime())) {
        return Optional.empty();
      }
      fresh = verify(tenant, hash, now, placement.get());
    } finally {
      if (gate != null) {
        gate.release();
      }
    }
    if (fresh.isEmpty()) {
      verified.remove(cacheKey);
      return Optional.empty();
    }
    if (verified.size() >= CACHE_MAX) {
      verified.clear();
    }
    verified.put(cacheKey, fresh.get());
    return Optional.of(fresh.get().principal());
  }

  private Optional<Verified> verify(TenantId tenant, byte[] hash, long now, Placement placement) {
    return tx.inSession(
        tenant,
        s -> {
          ApiKeyRecord r =
              s.createQuery(
                      "from ApiKeyRecord k where k.tenantId = :t and k.secretHash = :h",
                      ApiKeyRecord.class)
                  .setParameter("t", tenant.value())
                  .setParameter("h", hash)
                  .uniqueResult();
          Instant at = Instant.now();
          if (r == null
              || r.revokedAt != null
              || (r.expiresAt != null && !r.expiresAt.isAfter(at))) {
            return Optional.<Verified>empty();
          }
          if (r.lastUsedAt == null || r.lastUsedAt.isBefore(at.minusSeconds(60))) {
            r.lastUsedAt = at;
          }
          long until = now + CACHE_NANOS;
          if (r.expiresAt != null) {
            until = Math.min(until, now + ChronoUnit.NANOS.between(at, r.expiresAt));
          }
          Set<Role> roles = EnumSet.noneOf(Role.class);
          r.scopeSet().forEach(sc -> roles.addAll(sc.roles()));
          return Optional.of(
              new Verified(
                  new KeyPrincipal(tenant, placement.tier(), r.id, r.name, Set.copyOf(roles)),
                  until));
        });
  }
}
