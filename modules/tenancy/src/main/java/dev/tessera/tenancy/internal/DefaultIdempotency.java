package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.Idempotency;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

/**
 * Idempotency keys in the tenant's own (RLS-protected) table. The claim is one INSERT ... ON
 * CONFLICT DO NOTHING, so two racing requests with the same key cannot both run.
 */
@ApplicationScoped
public class DefaultIdempotency implements Idempotency {
  static final String TTL = "24 hours";

  @Inject TenantTransactions tx;

  @Override
  public Claim claim(TenantId tenant, UUID apiKeyId, String endpoint, String key, byte[] hash) {
    return tx.inTenant(
        tenant,
        c -> {
          try (PreparedStatement expire =
              c.prepareStatement(
                  "DELETE FROM public.idempotency_keys WHERE tenant_id = ? AND api_key_id = ? "
                      + "AND endpoint = ? AND idem_key = ? AND expires_at < now()")) {
            bind(expire, tenant, apiKeyId, endpoint, key);
            expire.executeUpdate();
          }
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO public.idempotency_keys (tenant_id, api_key_id, endpoint, idem_key, "
                      + "request_hash, state, expires_at) VALUES (?, ?, ?, ?, ?, 'IN_FLIGHT', now() + interval '"
                      + TTL
                      + "') ON CONFLICT DO NOTHING")) {
            bind(insert, tenant, apiKeyId, endpoint, key);
            insert.setBytes(5, hash);
            if (insert.executeUpdate() == 1) {
              return new Claimed();
            }
          }
          try (PreparedStatement read =
              c.prepareStatement(
                  "SELECT request_hash, state, status, content_type, body FROM public.idempotency_keys "
                      + "WHERE tenant_id = ? AND api_key_id = ? AND endpoint = ? AND idem_key = ?")) {
            bind(read, tenant, apiKeyId, endpoint, key);
            try (ResultSet rs = read.executeQuery()) {
              if (!rs.next()) {
                return new InFlight(); // released between our insert and read: the caller retries
              }
              if (!MessageDigest.isEqual(rs.getBytes(1), hash)) {
                return new Mismatch();
              }
              if ("IN_FLIGHT".equals(rs.getString(2))) {
                return new InFlight();
              }
              return new Replay(new StoredResponse(rs.getInt(3), rs.getString(4), rs.getString(5)));
            }
          }
        });
  }

  @Override
  public void complete(
      TenantId tenant, UUID apiKeyId, String endpoint, String key, StoredResponse response) {
    tx.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.idempotency_keys SET state = 'DONE', status = ?, content_type = ?, body = ? "
                      + "WHERE tenant_id = ? AND api_key_id = ? AND endpoint = ? AND idem_key = ?")) {
            ps.setInt(1, response.status());
            ps.setString(2, response.contentType());
            ps.setString(3, response.body());
            ps.setObject(4, tenant.value());
            ps.setObject(5, apiKeyId);
            ps.setString(6, endpoint);
            ps.setString(7, key);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public void release(TenantId tenant, UUID apiKeyId, String endpoint, String key) {
    tx.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM public.idempotency_keys WHERE tenant_id = ? AND api_key_id = ? "
                      + "AND endpoint = ? AND idem_key = ? AND state = 'IN_FLIGHT'")) {
            bind(ps, tenant, apiKeyId, endpoint, key);
            return ps.executeUpdate();
          }
        });
  }

  private static void bind(
      PreparedStatement ps, TenantId t, UUID keyId, String endpoint, String key)
      throws java.sql.SQLException {
    ps.setObject(1, t.value());
    ps.setObject(2, keyId);
    ps.setString(3, endpoint);
    ps.setString(4, key);
  }
}
