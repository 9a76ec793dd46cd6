package dev.tessera.governance.internal;

import dev.tessera.governance.api.Actor;
import dev.tessera.governance.api.AuditCheckpoint;
import dev.tessera.governance.api.AuditEntry;
import dev.tessera.governance.api.AuditEvent;
import dev.tessera.governance.api.AuditLog;
import dev.tessera.governance.api.AuditQuery;
import dev.tessera.governance.api.AuditVerification;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** The audit log on the tenant's own tables; every write goes through the owner's function. */
@ApplicationScoped
public class DefaultAuditLog implements AuditLog {
  private static final Logger LOG = Logger.getLogger(DefaultAuditLog.class.getName());
  private static final int MAX_FIELD = 64 * 1024;

  @Inject TenantData data;
  @Inject AuditSigningKey signing;

  @Override
  public long record(TenantId tenant, Actor actor, AuditEvent event) {
    return data.inTenant(tenant, c -> record(c, actor, event));
  }

  @Override
  public long record(Connection c, Actor actor, AuditEvent event) {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT tessera_meta.audit_append(?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)")) {
      ps.setString(1, clip(actor.id()));
      ps.setString(2, clip(actor.address()));
      ps.setString(3, clip(event.action()));
      ps.setString(4, clip(event.targetType()));
      ps.setString(5, clip(event.targetId()));
      ps.setString(6, event.beforeJson());
      ps.setString(7, event.afterJson());
      ps.setString(8, clip(event.reference()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("GOV-0001 cannot append to the audit log", e);
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD);
  }

  @Override
  public Page<AuditEntry> list(TenantId tenant, AuditQuery query, PageRequest page) {
    long after = page.cursor() == null ? 0 : decodeCursor(page.cursor());
    List<AuditEntry> rows = new ArrayList<>();
    data.readOnly(
        tenant,
        c -> {
          scan(c, query, after, page.size() + 1, r -> rows.add(entry(r)));
          return null;
        });
    if (rows.size() > page.size()) {
      List<AuditEntry> items = rows.subList(0, page.size());
      return new Page<>(List.copyOf(items), encodeCursor(items.get(items.size() - 1).seq()));
    }
    return new Page<>(rows, null);
  }

  @Override
  public void export(TenantId tenant, AuditQuery query, Consumer<AuditEntry> sink) {
    data.readOnly(
        tenant,
        c -> {
          scan(c, query, 0, Long.MAX_VALUE, r -> sink.accept(entry(r)));
          return null;
        });
  }

  @Override
  public AuditVerification verify(TenantId tenant) {
    long started = System.nanoTime();
    return data.inTenant(
        tenant,
        c -> {
          Map<Long, byte[]> vouched = new HashMap<>();
          long newest = 0;
          Long badMac = null;
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT seq, entry_hash, mac FROM public.audit_checkpoints ORDER BY seq");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long seq = rs.getLong(1);
              byte[] hash = rs.getBytes(2);
              if (!MessageDigest.isEqual(signing.sign(tenant.value(), seq, hash), rs.getBytes(3))) {
                badMac = badMac == null ? seq : badMac;
                continue;
              }
              vouched.put(seq, hash);
              newest = Math.max(newest, seq);
            }
          }
          AuditChain chain = new AuditChain(vouched);
          scan(c, AuditQuery.all(), 0, Long.MAX_VALUE, chain::accept);
          AuditChain.Break broken = chain.finish(newest);
          if (broken == null && badMac != null) {
            broken =
                new AuditChain.Break(
                    badMac,
                    "the checkpoint at entry " + badMac + " is not signed by this platform");
          }
          long millis = (System.nanoTime() - started) / 1_000_000;
          if (broken != null) {
            LOG.warning(
                "GOV-0003 audit chain of tenant " + tenant + " broken at entry " + broken.seq());
          }
          return new AuditVerification(
              broken == null,
              chain.checked(),
              broken == null ? null : broken.seq(),
              broken == null ? null : broken.problem(),
              newest == 0 ? null : newest,
              millis);
        });
  }

  @Override
  public Optional<AuditCheckpoint> checkpoint(TenantId tenant) {
    return data.inTenant(tenant, c -> checkpoint(c, tenant));
  }

  Optional<AuditCheckpoint> checkpoint(Connection c, TenantId tenant) throws SQLException {
    long seq;
    byte[] hash;
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT seq, entry_hash FROM public.audit_log ORDER BY seq DESC LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      seq = rs.getLong(1);
      hash = rs.getBytes(2);
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT tessera_meta.audit_checkpoint(?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setBytes(2, hash);
      ps.setString(3, AuditSigningKey.KEY_ID);
      ps.setBytes(4, signing.sign(tenant.value(), seq, hash));
      ps.executeQuery().close();
    }
    return Optional.of(
        new AuditCheckpoint(
            seq, AuditChain.hex(hash), AuditSigningKey.KEY_ID, java.time.Instant.now()));
  }

  /** Streams rows in ascending order, as many as {@code limit}. */
  private static void scan(
      Connection c, AuditQuery q, long afterSeq, long limit, Consumer<AuditChain.Row> sink)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT tenant_id, seq, id, created_at, actor, address, action, target_type,"
                + " target_id, before_state::text, after_state::text, reference, prev_hash,"
                + " content_hash, entry_hash FROM public.audit_log WHERE seq > ?");
    List<Object> args = new ArrayList<>();
    args.add(afterSeq);
    if (q.from() != null) {
      sql.append(" AND created_at >= ?");
      args.add(Timestamp.from(q.from()));
    }
    if (q.to() != null) {
      sql.append(" AND created_at < ?");
      args.add(Timestamp.from(q.to()));
    }
    if (q.actor() != null) {
      sql.append(" AND actor = ?");
      args.add(q.actor());
    }
    if (q.action() != null) {
      sql.append(" AND action = ?");
      args.add(q.action());
    }
    sql.append(" ORDER BY seq");
    if (limit != Long.MAX_VALUE) {
      sql.append(" LIMIT ").append(limit);
    }
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setFetchSize(2000);
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.accept(
              new AuditChain.Row(
                  rs.getObject(1, UUID.class),
                  rs.getLong(2),
                  rs.getObject(3, UUID.class),
                  rs.getTimestamp(4).toInstant(),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getString(10),
                  rs.getString(11),
                  rs.getString(12),
                  rs.getBytes(13),
                  rs.getBytes(14),
                  rs.getBytes(15)));
        }
      }
    }
  }

  private static AuditEntry entry(AuditChain.Row r) {
    return new AuditEntry(
        r.seq(),
        r.id(),
        r.createdAt(),
        r.actor(),
        r.address(),
        r.action(),
        r.targetType(),
        r.targetId(),
        r.before(),
        r.after(),
        r.reference(),
        AuditChain.hex(r.prevHash()),
        AuditChain.hex(r.entryHash()));
  }

  static String encodeCursor(long seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("audit:" + seq).getBytes(StandardCharsets.UTF_8));
  }

  static long decodeCursor(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!raw.startsWith("audit:")) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(raw.substring(6));
    } catch (RuntimeException e) {
      throw InvalidInputException.field("cursor", "is not a cursor this API returned");
    }
  }
}
