package dev.tessera.routing.internal.catalog;

import dev.tessera.routing.api.CatalogAdmin.ProviderView;
import dev.tessera.routing.api.ProviderKeys;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.SealedRows;
import dev.tessera.tenancy.api.SecretVault;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import dev.tessera.tenancy.api.UnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tenants' own provider credentials, in the tenant's rows (RLS), sealed with the platform's key
 * ring. The request path reads a tenant's keys once a second per instance, so a key set or removed
 * is used everywhere within that second.
 */
@ApplicationScoped
public class TenantProviderKeys implements ProviderKeys {
  private static final Logger LOG = Logger.getLogger(TenantProviderKeys.class.getName());
  private static final long TTL_NANOS = 1_000_000_000L;
  private static final int MAX_KEY_LENGTH = 4096;

  @Inject TenantData data;
  @Inject SecretVault vault;
  @Inject CatalogStore catalog;
  @Inject Tenants tenants;

  private record Cached(Map<UUID, String> keys, long readAt) {}

  private final Map<TenantId, Cached> cache = new ConcurrentHashMap<>();

  /** The tenant's keys by provider id, decrypted (empty for most tenants). */
  public Map<UUID, String> keysFor(TenantId tenant) {
    Cached c = cache.get(tenant);
    long now = System.nanoTime();
    if (c != null && now - c.readAt() < TTL_NANOS) {
      return c.keys();
    }
    Map<UUID, String> keys = read(tenant);
    if (cache.size() > 100_000) {
      cache.clear();
    }
    cache.put(tenant, new Cached(keys, now));
    return keys;
  }

  private Map<UUID, String> read(TenantId tenant) {
    return data.inTenant(
        tenant,
        c -> {
          Map<UUID, String> out = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT provider_id, credential_ciphertext, credential_key_id "
                      + "FROM public.provider_keys WHERE tenant_id = ?")) {
            ps.setObject(1, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                UUID provider = (UUID) rs.getObject(1);
                out.put(provider, open(tenant, provider, rs.getString(3), rs.getBytes(2)));
              }
            }
          }
          return Map.copyOf(out);
        });
  }

  @Override
  public List<ProviderKeyView> list(TenantId tenant) {
    List<Object[]> rows =
        data.inTenant(
            tenant,
            c -> {
              List<Object[]> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT provider_id, key_hint, updated_at FROM public.provider_keys "
                          + "WHERE tenant_id = ? ORDER BY provider_id")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(new Object[] {rs.getObject(1), rs.getString(2), rs.getTimestamp(3)});
                  }
                }
              }
              return out;
            });
    List<ProviderKeyView> views = new ArrayList<>();
    for (Object[] r : rows) {
      UUID providerId = (UUID) r[0];
      String name;
      try {
        name = catalog.provider(providerId).name();
      } catch (NotFoundException gone) {
        name = null; // the provider was removed; the key is inert
      }
      views.add(
          new ProviderKeyView(providerId, name, (String) r[1], ((Timestamp) r[2]).toInstant()));
    }
    return views;
  }

  @Override
  public ProviderKeyView set(TenantId tenant, UUID providerId, String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      throw InvalidInputException.field("apiKey", "is required");
    }
    if (apiKey.length() > MAX_KEY_LENGTH || !apiKey.strip().equals(apiKey)) {
      throw InvalidInputException.field(
          "apiKey",
          "must be at most " + MAX_KEY_LENGTH + " characters, without surrounding spaces");
    }
    ProviderView provider = catalog.provider(providerId); // 404 when there is no such provider
    if ("local".equals(provider.kind())) {
      throw InvalidInputException.field("providerId", "the built-in provider takes no key");
    }
    SecretVault.Sealed sealed = vault.seal(apiKey, binding(tenant, providerId));
    String hint = "…" + apiKey.substring(Math.max(0, apiKey.length() - 4));
    Timestamp at =
        data.inTenant(
            tenant,
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO public.provider_keys (tenant_id, provider_id, credential_ciphertext, "
                          + "credential_key_id, key_hint) VALUES (?, ?, ?, ?, ?) "
                          + "ON CONFLICT (tenant_id, provider_id) DO UPDATE SET "
                          + "credential_ciphertext = EXCLUDED.credential_ciphertext, "
                          + "credential_key_id = EXCLUDED.credential_key_id, "
                          + "key_hint = EXCLUDED.key_hint, updated_at = now() RETURNING updated_at")) {
                ps.setObject(1, tenant.value());
                ps.setObject(2, providerId);
                ps.setBytes(3, sealed.ciphertext());
                ps.setString(4, sealed.keyId());
                ps.setString(5, hint);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getTimestamp(1);
                }
              }
            });
    cache.remove(tenant);
    return new ProviderKeyView(providerId, provider.name(), hint, at.toInstant());
  }

  @Override
  public void remove(TenantId tenant, UUID providerId) {
    int n =
        data.inTenant(
            tenant,
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "DELETE FROM public.provider_keys WHERE tenant_id = ? AND provider_id = ?")) {
                ps.setObject(1, tenant.value());
                ps.setObject(2, providerId);
                return ps.executeUpdate();
              }
            });
    cache.remove(tenant);
    if (n == 0) {
      throw new NotFoundException("provider key", providerId);
    }
  }

  @Override
  public int reencryptAll() {
    int total = 0;
    String cursor = null;
    do {
      Page<TenantView> page = tenants.list(PageRequest.of(cursor, PageRequest.MAX_SIZE));
      for (TenantView t : page.items()) {
        try {
          total += reencrypt(t.id());
        } catch (NotFoundException purgedMeanwhile) {
          // nothing left to re-seal
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    cache.clear();
    return total;
  }

  /**
   * A key that does not open for this tenant and provider (copied from another row, altered, or not
   * yet re-sealed after an upgrade) is never used, nor silently replaced by the platform's key: the
   * tenant's calls get a 503 that says what to do.
   */
  private String open(TenantId tenant, UUID provider, String keyId, byte[] ciphertext) {
    try {
      return vault.open(new SecretVault.Sealed(keyId, ciphertext), binding(tenant, provider));
    } catch (IllegalStateException e) {
      LOG.log(
          Level.WARNING,
          "ROUTING-0123 tenant "
              + tenant.value()
              + ": provider key for "
              + provider
              + " does not open",
          e);
      throw new UnavailableException(
          "The provider key stored for provider "
              + provider
              + " cannot be used (it does not decrypt for this tenant). If the platform was just"
              + " upgraded, retry in a few seconds; otherwise set the key again with PUT"
              + " /api/v1/tenants/{tenantId}/provider-keys/"
              + provider
              + ".",
          5);
    }
  }

  static String binding(TenantId tenant, UUID providerId) {
    return SecretVault.tenantBinding(tenant, "provider", providerId);
  }

  private int reencrypt(TenantId tenant) {
    return data.inTenant(
        tenant,
        c ->
            SealedRows.reseal(
                c,
                vault,
                "SELECT provider_id, credential_ciphertext, credential_key_id"
                    + " FROM public.provider_keys WHERE tenant_id = ? FOR UPDATE",
                tenant.value(),
                "UPDATE public.provider_keys SET credential_ciphertext = ?, credential_key_id = ?"
                    + " WHERE tenant_id = current_setting('app.tenant_id')::uuid"
                    + " AND provider_id = ?",
                id -> binding(tenant, (UUID) id)));
  }
}
