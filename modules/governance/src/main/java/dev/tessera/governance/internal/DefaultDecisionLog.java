package dev.tessera.governance.internal;

import dev.tessera.governance.api.Actor;
import dev.tessera.governance.api.AuditEvent;
import dev.tessera.governance.api.Decision;
import dev.tessera.governance.api.DecisionLog;
import dev.tessera.governance.api.DecisionQuery;
import dev.tessera.governance.api.DecisionView;
import dev.tessera.governance.api.GovernanceSettings;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The decision log: a bounded in-memory queue filled on the request path, drained by one writer
 * thread every flush interval (one multi-row round trip per tenant), and drained once more when the
 * application stops. A full queue drops the newest decisions and counts them (GOV-0041) rather than
 * slow requests down.
 */
@ApplicationScoped
public class DefaultDecisionLog implements DecisionLog {
  private static final Logger LOG = Logger.getLogger(DefaultDecisionLog.class.getName());
  static final int QUEUE = 50_000;
  static final int BATCH = 500;
  private static final long SETTINGS_TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

  @Inject TenantData data;
  @Inject DefaultAuditLog audit;

  @Inject
  @ConfigProperty(name = "tessera.decisions.flush-interval", defaultValue = "PT0.5S")
  String flushInterval;

  /** Off only to measure what the log costs (bench/gateway.sh with and without it). */
  @Inject
  @ConfigProperty(name = "tessera.decisions.enabled", defaultValue = "true")
  boolean enabled;

  private final BlockingQueue<Decision> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Object writing = new Object();
  private final Map<TenantId, CachedSettings> settingsCache = new ConcurrentHashMap<>();
  private volatile Thread writer;
  private volatile boolean stopping;

  private record CachedSettings(GovernanceSettings settings, long readAt) {}

  @Override
  public void record(Decision d) {
    if (!enabled) {
      return;
    }
    if (!queue.offer(d)) {
      if (dropped.incrementAndGet() % 1000 == 1) {
        LOG.warning("GOV-0041 decision log queue full; " + dropped.get() + " decisions dropped");
      }
      return;
    }
    startWriter();
  }

  private void startWriter() {
    if (writer == null && !stopping) {
      synchronized (this) {
        if (writer == null) {
          long pause = java.time.Duration.parse(flushInterval).toMillis();
          Thread t =
              new Thread(
                  () -> {
                    while (!stopping) {
                      try {
                        Thread.sleep(pause);
                        flush();
                      } catch (InterruptedException e) {
                        return;
                      } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "GOV-0040 writing decisions failed", e);
                      }
                    }
                  },
                  "tessera-decision-log");
          t.setDaemon(true);
          t.start();
          writer = t;
        }
      }
    }
  }

  @Override
  public void flush() {
    synchronized (writing) {
      List<Decision> batch = new ArrayList<>(BATCH);
      while (queue.drainTo(batch, BATCH) > 0) {
        Map<TenantId, List<Decision>> byTenant = new LinkedHashMap<>();
        batch.forEach(d -> byTenant.computeIfAbsent(d.tenant(), t -> new ArrayList<>()).add(d));
        byTenant.forEach(this::write);
        batch.clear();
      }
    }
  }

  private void write(TenantId tenant, List<Decision> decisions) {
    try {
      GovernanceSettings s = settings(tenant);
      // rendered here, on the writer thread (the request path only kept references), and before
      // a connection is taken
      int n = decisions.size();
      String[] inputs = new String[n];
      String[] attempts = new String[n];
      String[] guardrails = new String[n];
      for (int k = 0; k < n; k++) {
        Decision d = decisions.get(k);
        inputs[k] = render(d);
        attempts[k] = DecisionJson.attempts(d.attempts());
        guardrails[k] = DecisionJson.guardrails(d.guardrails());
      }
      data.inTenant(
          tenant,
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO public.decision_log (tenant_id, request_id, created_at,"
                        + " api_key_id, input_sha256, input_text, prompt_name, prompt_version,"
                        + " evidence_ids, model_requested, model_served, route, route_reason,"
                        + " attempts, attempt_log, fallbacks, cache, guardrails, tokens_in,"
                        + " tokens_out, cost, latency_ms, outcome, error, streamed) VALUES"
                        + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?, ?,"
                        + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?, ?,"
                        + " ?, ?) ON CONFLICT (tenant_id, request_id) DO NOTHING")) {
              for (int k = 0; k < n; k++) {
                Decision d = decisions.get(k);
                String input = inputs[k];
                int i = 1;
                ps.setString(i++, d.requestId());
                ps.setTimestamp(i++, Timestamp.from(d.at()));
                ps.setObject(i++, d.keyId());
                ps.setString(i++, input == null ? null : sha256(input));
                ps.setString(i++, s.storePrompts() ? input : null);
                ps.setString(i++, d.promptName());
                setInt(ps, i++, d.promptVersion());
                ps.setArray(
                    i++,
                    d.evidenceIds() == null
                        ? null
                        : c.createArrayOf("text", d.evidenceIds().toArray()));
                ps.setString(i++, d.modelRequested());
                ps.setString(i++, d.modelServed());
                ps.setString(i++, d.route());
                ps.setString(i++, d.routeReason());
                setInt(ps, i++, d.attempts() == null ? null : d.attempts().size());
                ps.setString(i++, attempts[k]);
                setInt(ps, i++, d.fallbacks());
                ps.setString(i++, d.cache());
                ps.setString(i++, guardrails[k]);
                setInt(ps, i++, d.tokensIn());
                setInt(ps, i++, d.tokensOut());
                if (d.cost() == null) {
                  ps.setNull(i++, Types.BIGINT);
                } else {
                  ps.setLong(i++, d.cost());
                }
                ps.setInt(i++, (int) Math.min(Integer.MAX_VALUE, d.latencyMillis()));
                ps.setString(i++, d.outcome());
                ps.setString(i++, d.error());
                ps.setBoolean(i, d.streamed());
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return null;
          });
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "GOV-0042 " + decisions.size() + " decisions of tenant " + tenant + " not written",
          e);
    }
  }

  /** The decision's input text; a renderer that fails loses the input, not the batch. */
  private static String render(Decision d) {
    if (d.input() == null) {
      return null;
    }
    try {
      return d.input().get();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING, "GOV-0046 the input of decision " + d.requestId() + " not rendered", e);
      return null;
    }
  }

  private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  static String sha256(String text) {
    return AuditChain.hex(AuditChain.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @PreDestroy
  void drain() {
    stopping = true;
    Thread t = writer;
    if (t != null) {
      t.interrupt();
    }
    try {
      flush();
      LOG.info("GOV-0043 decision log drained at shutdown");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "GOV-0044 decisions lost at shutdown", e);
    }
  }

  @Override
  public Optional<DecisionView> get(TenantId tenant, String requestId) {
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(view(rs)) : Optional.empty();
            }
          }
        });
  }

  private static final String SELECT =
      "SELECT request_id, created_at, api_key_id, input_sha256, input_text, prompt_name,"
          + " prompt_version, evidence_ids, model_requested, model_served, route, route_reason,"
          + " attempt_log::text, fallbacks, cache, guardrails::text, tokens_in, tokens_out, cost,"
          + " latency_ms, outcome, error, streamed FROM public.decision_log";

  @Override
  public Page<DecisionView> search(TenantId tenant, DecisionQuery q, PageRequest page) {
    StringBuilder sql = new StringBuilder(SELECT + " WHERE true");
    List<Object> args = new ArrayList<>();
    if (q.from() != null) {
      sql.append(" AND created_at >= ?");
      args.add(Timestamp.from(q.from()));
    }
    if (q.to() != null) {
      sql.append(" AND created_at < ?");
      args.add(Timestamp.from(q.to()));
    }
    if (q.model() != null) {
      sql.append(" AND model_served = ?");
      args.add(q.model());
    }
    if (q.outcome() != null) {
      sql.append(" AND outcome = ?");
      args.add(q.outcome());
    }
    if (page.cursor() != null) {
      String[] c = decodeCursor(page.cursor());
      sql.append(" AND (created_at, request_id) < (?, ?)");
      args.add(Timestamp.from(java.time.Instant.parse(c[0])));
      args.add(c[1]);
    }
    sql.append(" ORDER BY created_at DESC, request_id DESC LIMIT ").append(page.size() + 1);
    List<DecisionView> rows =
        data.readOnly(
            tenant,
            c -> {
              List<DecisionView> out = new ArrayList<>();
              try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                  ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(view(rs));
                  }
                }
              }
              return out;
            });
    if (rows.size() > page.size()) {
      List<DecisionView> items = List.copyOf(rows.subList(0, page.size()));
      DecisionView last = items.get(items.size() - 1);
      return new Page<>(items, encodeCursor(last.createdAt() + "|" + last.requestId()));
    }
    return new Page<>(rows, null);
  }

  private static String encodeCursor(String raw) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("decision:" + raw).getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decodeCursor(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!raw.startsWith("decision:")) {
        throw new IllegalArgumentException();
      }
      String[] parts = raw.substring(9).split("\\|", 2);
      java.time.Instant.parse(parts[0]);
      return parts;
    } catch (RuntimeException e) {
      throw InvalidInputException.field("cursor", "is not a cursor this API returned");
    }
  }

  private static DecisionView view(ResultSet rs) throws SQLException {
    Array evidence = rs.getArray(8);
    return new DecisionView(
        rs.getString(1),
        rs.getTimestamp(2).toInstant(),
        rs.getObject(3, UUID.class),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        (Integer) rs.getObject(7),
        evidence == null ? null : Arrays.asList((String[]) evidence.getArray()),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11),
        rs.getString(12),
        DecisionJson.readAttempts(rs.getString(13)),
        (Integer) rs.getObject(14),
        rs.getString(15),
        DecisionJson.readGuardrails(rs.getString(16)),
        (Integer) rs.getObject(17),
        (Integer) rs.getObject(18),
        (Long) rs.getObject(19),
        (Integer) rs.getObject(20),
        rs.getString(21),
        rs.getString(22),
        rs.getBoolean(23));
  }

  @Override
  public GovernanceSettings settings(TenantId tenant) {
    CachedSettings cached = settingsCache.get(tenant);
    if (cached != null && System.nanoTime() - cached.readAt() < SETTINGS_TTL_NANOS) {
      return cached.settings();
    }
    GovernanceSettings s = data.inTenant(tenant, DefaultDecisionLog::readSettings);
    settingsCache.put(tenant, new CachedSettings(s, System.nanoTime()));
    return s;
  }

  static GovernanceSettings readSettings(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT store_prompts, decision_retention_days, min_eval_pass_rate"
                    + " FROM public.governance_settings");
        ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? new GovernanceSettings(rs.getBoolean(1), rs.getInt(2), (Integer) rs.getObject(3))
          : GovernanceSettings.DEFAULTS;
    }
  }

  @Override
  public GovernanceSettings updateSettings(TenantId tenant, Actor actor, GovernanceSettings s) {
    if (s.decisionRetentionDays() < 1 || s.decisionRetentionDays() > 3650) {
      throw InvalidInputException.field("decisionRetentionDays", "must be between 1 and 3650");
    }
    if (s.minEvalPassRate() != null && (s.minEvalPassRate() < 0 || s.minEvalPassRate() > 100)) {
      throw InvalidInputException.field("minEvalPassRate", "must be between 0 and 100");
    }
    GovernanceSettings saved =
        data.inTenant(
            tenant,
            c -> {
              GovernanceSettings before = readSettings(c);
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO public.governance_settings (tenant_id, store_prompts,"
                          + " decision_retention_days, min_eval_pass_rate) VALUES"
                          + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?)"
                          + " ON CONFLICT (tenant_id) DO UPDATE SET store_prompts ="
                          + " excluded.store_prompts, decision_retention_days ="
                          + " excluded.decision_retention_days, min_eval_pass_rate ="
                          + " excluded.min_eval_pass_rate, updated_at = now()")) {
                ps.setBoolean(1, s.storePrompts());
                ps.setInt(2, s.decisionRetentionDays());
                setInt(ps, 3, s.minEvalPassRate());
                ps.executeUpdate();
              }
              audit.record(
                  c,
                  actor,
                  new AuditEvent(
                      "governance.settings.update",
                      "governance-settings",
                      tenant.toString(),
                      Json.of(before),
                      Json.of(s),
                      null));
              return s;
            });
    settingsCache.remove(tenant);
    return saved;
  }

  @Override
  public long purgeExpired() {
    long n = 0;
    for (Long deleted :
        data.inEveryDatabase(
            c -> {
              try (PreparedStatement ps =
                      c.prepareStatement("SELECT tessera_meta.decision_purge(100000)");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
              }
            })) {
      n += deleted;
    }
    if (n > 0) {
      LOG.info("GOV-0045 purged " + n + " decisions past their tenant's retention");
    }
    return n;
  }
}
