package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.SealedRows;
import dev.tessera.tenancy.api.SecretVault;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.WebhookSigning;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link WebhookSigning} on {@code public.webhook_secrets}, the secrets sealed by the {@link
 * SecretVault} and bound to their tenant and row. {@link #resealAll} (run at start-up) seals again
 * under the current master key, and binds secrets sealed before bindings existed, so retiring an
 * old master key needs no migration step.
 */
@ApplicationScoped
public class DefaultWebhookSigning implements WebhookSigning {
  static final String PREFIX = "whsec_";
  static final Duration OVERLAP = Duration.ofDays(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject TenantData data;
  @Inject SecretVault vault;
  Clock clock = Clock.systemUTC();

  private record Row(UUID id, String keyId, String secret, Instant createdAt, Instant expiresAt) {}

  @Override
  public WebhookSecret current(TenantId tenant) {
    return view(data.inTenant(tenant, c -> liveOrNew(c, tenant)));
  }

  @Override
  public WebhookSecret rotate(TenantId tenant) {
    return view(
        data.inTenant(
            tenant,
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "DELETE FROM public.webhook_secrets WHERE expires_at IS NOT NULL")) {
                ps.executeUpdate(); // one previous secret at a time: the one replaced now
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE public.webhook_secrets SET expires_at = now() + ?::interval"
                          + " WHERE expires_at IS NULL")) {
                ps.setString(1, OVERLAP.toSeconds() + " seconds");
                ps.executeUpdate();
              }
              insert(c, tenant);
              return live(c, tenant);
            }));
  }

  @Override
  public Signer signer(TenantId tenant) {
    List<Row> secrets = data.inTenant(tenant, c -> liveOrNew(c, tenant));
    return (id, body) -> {
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("webhook-id", id);
      headers.put("webhook-timestamp", timestamp);
      headers.put(
          "webhook-signature",
          secrets.stream()
              .map(r -> "v1," + signature(r.secret(), id, timestamp, body))
              .collect(Collectors.joining(" ")));
      return headers;
    };
  }

  /** base64(HMAC-SHA256(secret bytes, id.timestamp.body)), per the Standard Webhooks spec. */
  static String signature(String secret, String id, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring(PREFIX.length())), "HmacSHA256"));
      byte[] sig =
          mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TENANCY-0410 HMAC-SHA256 unavailable", e);
    }
  }

  private List<Row> liveOrNew(Connection c, TenantId tenant) throws SQLException {
    List<Row> live = live(c, tenant);
    if (live.stream().noneMatch(r -> r.expiresAt() == null)) {
      insert(c, tenant); // a racing request may have made one first: then that one it is
      live = live(c, tenant);
    }
    return live;
  }

  /** The current secret first, then a previous one still in its overlap. */
  private List<Row> live(Connection c, TenantId tenant) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, secret_ciphertext, secret_key_id, created_at, expires_at"
                + " FROM public.webhook_secrets WHERE expires_at IS NULL OR expires_at > now()"
                + " ORDER BY expires_at DESC NULLS FIRST")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String keyId = rs.getString(3);
          UUID id = (UUID) rs.getObject(1);
          out.add(
              new Row(
                  id,
                  keyId,
                  vault.open(new SecretVault.Sealed(keyId, rs.getBytes(2)), binding(tenant, id)),
                  rs.getTimestamp(4).toInstant(),
                  instant(rs.getTimestamp(5))));
        }
      }
    }
    return out;
  }

  /** A new current secret, unless another transaction has just made one. */
  private void insert(Connection c, TenantId tenant) throws SQLException {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    UUID id = UUID.randomUUID();
    SecretVault.Sealed sealed =
        vault.seal(PREFIX + Base64.getEncoder().encodeToString(raw), binding(tenant, id));
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO public.webhook_secrets (tenant_id, id, secret_ciphertext, secret_key_id)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id) WHERE expires_at IS NULL DO NOTHING")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, id);
      ps.setBytes(3, sealed.ciphertext());
      ps.setString(4, sealed.keyId());
      ps.executeUpdate();
    }
  }

  static String binding(TenantId tenant, UUID secretId) {
    return SecretVault.tenantBinding(tenant, "webhook-secret", secretId);
  }

  /**
   * Seals every stored secret of the tenant again where it is not yet bound or not under the
   * current master key; the number re-sealed.
   */
  int reseal(TenantId tenant) {
    return data.inTenant(
        tenant,
        c ->
            SealedRows.reseal(
                c,
                vault,
                "SELECT id, secret_ciphertext, secret_key_id FROM public.webhook_secrets"
                    + " WHERE tenant_id = ? FOR UPDATE",
                tenant.value(),
                "UPDATE public.webhook_secrets SET secret_ciphertext = ?, secret_key_id = ?"
                    + " WHERE tenant_id = current_setting('app.tenant_id')::uuid AND id = ?",
                id -> binding(tenant, (UUID) id)));
  }

  private static WebhookSecret view(List<Row> live) {
    Row current = live.stream().filter(r -> r.expiresAt() == null).findFirst().orElseThrow();
    Instant previous =
        live.stream().map(Row::expiresAt).filter(e -> e != null).findFirst().orElse(null);
    return new WebhookSecret(current.secret(), current.createdAt(), previous);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
