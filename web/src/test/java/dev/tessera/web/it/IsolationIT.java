package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Database-enforced isolation, checked for every tenant-owned table discovered from the catalog (a
 * table added later is covered without touching this test), in the shared database and in a
 * tenant's own database, connected exactly as the application connects.
 */
class IsolationIT {
  static Platform platform;
  static Api operator;
  static String tenantA;
  static String tenantB;
  static String dedicated;
  static String dedicatedDb;
  static String providerId;
  static com.github.tomakehurst.wiremock.WireMockServer upstream;
  static LedgerFixture ledger;

  @org.junit.jupiter.api.AfterAll
  static void removeProvider() {
    if (providerId != null) {
      operator.delete("/api/v1/providers/" + providerId);
    }
    if (ledger != null) {
      ledger.removeModels();
      upstream.stop();
    }
  }

  @BeforeAll
  static void seed() {
    platform = Platform.get();
    operator = platform.operator();
    tenantA = operator.createTenant("STANDARD");
    tenantB = operator.createTenant("STANDARD");
    dedicated = operator.createTenant("PROFESSIONAL");
    dedicatedDb = "tessera_t_" + dedicated.replace("-", "");
    // a provider no model uses, so every tenant can bring its own key for it
    Api.Reply provider =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\"isolation-"
                + UUID.randomUUID()
                + "\",\"kind\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}");
    assertThat(provider.status()).as(provider.toString()).isEqualTo(201);
    providerId = provider.json().getString("id");
    // a priced model, so every tenant has credits, holds, budgets and their alerts
    upstream =
        new com.github.tomakehurst.wiremock.WireMockServer(
            com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort());
    upstream.start();
    ledger = new LedgerFixture(platform, upstream);
    String priced =
        ledger.pricedModel(
            "isolation-" + LedgerFixture.unique(),
            1,
            1_000_000,
            1_000_000,
            LedgerFixture.completion(5, 5));
    for (String t : List.of(tenantA, tenantB, dedicated)) {
      Api key = operator.as(operator.createKey(t, "admin")[1]);
      // a signed checkpoint of the audit log (admin actions above wrote its entries)
      assertThat(operator.post("/api/v1/tenants/" + t + "/audit/checkpoints", "").status())
          .isEqualTo(201);
      // a webhook signing secret (made on first read)
      assertThat(key.get("/api/v1/tenants/" + t + "/webhook-secret").status()).isEqualTo(200);
      // retrieval: a group, a knowledge base and a document ingested to its chunks
      assertThat(
              key.send(
                      key.request("/v1/retrieval/groups/isolation")
                          .header("Content-Type", "application/json")
                          .PUT(
                              java.net.http.HttpRequest.BodyPublishers.ofString(
                                  "{\"members\":[]}")))
                  .status())
          .isEqualTo(200);
      Api.Reply kb = key.post("/v1/retrieval/knowledge_bases", "{\"name\":\"isolation\"}");
      assertThat(kb.status()).as(kb.toString()).isEqualTo(201);
      String kbPath = "/v1/retrieval/knowledge_bases/" + kb.json().getString("id") + "/documents";
      Api.Reply doc = key.post(kbPath, "{\"title\":\"t.txt\",\"text\":\"Isolation matters.\"}");
      assertThat(doc.status()).as(doc.toString()).isEqualTo(202);
      String docPath = kbPath + "/" + doc.json().getString("id");
      long until = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
      while (!key.get(docPath).json().getString("status").equals("ready")) {
        assertThat(System.nanoTime()).as("document ingested").isLessThan(until);
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      assertThat(operator.createUser(t, "someone-" + UUID.randomUUID() + "@example.com").status())
          .isEqualTo(201);
      // a routing policy and a remembered Idempotency-Key, so those tables hold rows of every
      // tenant
      assertThat(
              operator
                  .send(
                      operator
                          .request("/api/v1/tenants/" + t + "/routing-policy")
                          .header("Content-Type", "application/json")
                          .PUT(
                              java.net.http.HttpRequest.BodyPublishers.ofString("{\"maxTier\":2}")))
                  .status())
          .isEqualTo(200);
      // the tenant's telemetry choice (consent to content in traces)
      assertThat(
              operator
                  .send(
                      operator
                          .request("/api/v1/tenants/" + t + "/telemetry")
                          .header("Content-Type", "application/json")
                          .PUT(
                              java.net.http.HttpRequest.BodyPublishers.ofString(
                                  "{\"traceContent\":true}")))
                  .status())
          .isEqualTo(200);
      assertThat(
              key.send(
                      key.request("/api/v1/tenants/" + t + "/provider-keys/" + providerId)
                          .header("Content-Type", "application/json")
                          .PUT(
                              java.net.http.HttpRequest.BodyPublishers.ofString(
                                  "{\"apiKey\":\"sk-own-" + t + "\"}")))
                  .status())
          .isEqualTo(200);
      assertThat(
              key.send(
                      key.request("/v1/chat/completions")
                          .header("Content-Type", "application/json")
                          .header("Idempotency-Key", "seed-" + t)
                          .POST(
                              java.net.http.HttpRequest.BodyPublishers.ofString(
                                  "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")))
                  .status())
          .isEqualTo(200);
      assertThat(ledger.grant(t, 1_000, null).status()).isEqualTo(201);
      assertThat(
              key.post(
                      "/api/v1/tenants/" + t + "/budgets",
                      "{\"period\":\"DAILY\",\"limit\":1,\"enforcement\":\"SOFT\","
                          + "\"alertThresholds\":[50]}")
                  .status())
          .isEqualTo(201);
      assertThat(key.post("/v1/chat/completions", LedgerFixture.ask(priced, 5)).status())
          .isEqualTo(200);
      // a drifted projection, found and repaired: the reconciliation trail holds a row too
      try (Connection su =
          platform.superuser(t.equals(dedicated) ? dedicatedDb : Platform.DATABASE)) {
        LedgerFixture.execute(
            su,
            "UPDATE public.credit_accounts SET balance = balance + 1 WHERE tenant_id = '"
                + t
                + "'");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      assertThat(operator.post("/api/v1/tenants/" + t + "/credits/reconcile", "").status())
          .isEqualTo(200);
      // a charge owed (as when a settle fails), so credit_owed holds a row too
      try (Connection app = platform.app(t.equals(dedicated) ? dedicatedDb : Platform.DATABASE)) {
        app.setAutoCommit(false);
        pin(app, t);
        LedgerFixture.execute(
            app,
            "SELECT * FROM tessera_meta.billing_reserve('owed-seed', 0, null, null, 'm',"
                + " now() + interval '1 hour', 'seed')");
        LedgerFixture.execute(
            app, "SELECT tessera_meta.billing_owe('owed-seed', 0, 'm', 1, 1, 0, 'miss', 'seed')");
        app.commit();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      // a closed credit lease (a tenant with budgets takes none through the API), so
      // credit_leases holds a row too; closed, it holds nothing and reconciliation ignores it
      try (Connection su =
          platform.superuser(t.equals(dedicated) ? dedicatedDb : Platform.DATABASE)) {
        LedgerFixture.execute(
            su,
            "INSERT INTO public.credit_leases (tenant_id, id, holder, granted, status, expires_at,"
                + " closed_at, closed_by) VALUES ('"
                + t
                + "', gen_random_uuid(), 'seed', 1, 'CLOSED', now(), now(), 'seed')");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      // a safety policy and a typed tool run once, so the safety and tool tables hold rows too
      assertThat(
              key.send(
                      key.request("/api/v1/tenants/" + t + "/safety-policy")
                          .header("Content-Type", "application/json")
                          .PUT(
                              java.net.http.HttpRequest.BodyPublishers.ofString(
                                  "{\"pii\":{\"IP_ADDRESS\":\"ALLOW\"}}")))
                  .status())
          .isEqualTo(200);
      assertThat(
              key.post(
                      "/api/v1/tenants/" + t + "/tools",
                      "{\"name\":\"flags.set\",\"kind\":\"builtin\",\"builtin\":\"kv.set\"}")
                  .status())
          .isEqualTo(201);
      assertThat(
              key.post(
                      "/v1/tools/flags.set/executions",
                      "{\"arguments\":{\"key\":\"seed\",\"value\":true}}")
                  .status())
          .isEqualTo(201);
      // a batch job, so batches and batch_lines hold rows of every tenant
      Api.Reply batch =
          key.post(
              "/v1/batches",
              "{\"requests\":[{\"custom_id\":\"seed\",\"body\":{\"model\":\"auto\","
                  + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}]}");
      assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
      seedGovernance(t, key);
    }
  }

  /**
   * Rows of every governance table: a prompt with two versions, labels and their moves, a pending
   * production move, a traffic split, settings, a decision and its feedback, an eval case, run and
   * result (the audit log and its checkpoint come from the admin actions above).
   */
  private static void seedGovernance(String t, Api key) {
    String p = "/api/v1/tenants/" + t + "/prompts";
    String version =
        "{\"template\":[{\"role\":\"user\",\"content\":\"{{q}}\"}],"
            + "\"variables\":[{\"name\":\"q\"}],\"config\":{\"model\":\"local-extractive\"}";
    assertThat(key.post(p, version + ",\"name\":\"seed\"}").status()).isEqualTo(201);
    assertThat(key.post(p + "/seed/versions", version + "}").status()).isEqualTo(201);
    assertThat(put(key, p + "/seed/labels/staging", "{\"version\":1}").status()).isEqualTo(200);
    assertThat(put(key, p + "/seed/labels/trial", "{\"version\":2}").status()).isEqualTo(200);
    assertThat(put(key, p + "/seed/labels/production", "{\"version\":1}").status()).isEqualTo(202);
    assertThat(
            put(
                    key,
                    p + "/seed/traffic",
                    "{\"champion\":\"staging\",\"challenger\":\"trial\",\"challengerPercent\":5}")
                .status())
        .isEqualTo(200);
    assertThat(
            put(
                    key,
                    "/api/v1/tenants/" + t + "/governance-settings",
                    "{\"decisionRetentionDays\":90}")
                .status())
        .isEqualTo(200);
    Api.Reply call =
        key.post(
            "/v1/chat/completions",
            "{\"prompt\":{\"name\":\"seed\",\"label\":\"staging\",\"variables\":{\"q\":\"hi\"}}}");
    assertThat(call.status()).as(call.toString()).isEqualTo(200);
    assertThat(
            key.post(
                    "/v1/feedback",
                    "{\"request_id\":\"" + call.header("x-request-id") + "\",\"score\":\"up\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            key.post(
                    p + "/seed/eval-cases",
                    "{\"variables\":{\"q\":\"hi\"},\"expect\":{\"contains\":[\"hi\"]}}")
                .status())
        .isEqualTo(201);
    Api.Reply run = key.post(p + "/seed/eval-runs", "{\"version\":1}");
    assertThat(run.status()).as(run.toString()).isEqualTo(202);
    String runPath = p + "/seed/eval-runs/" + run.json().getString("id");
    for (int i = 0; i < 300 && key.get(runPath).json().getString("status").equals("RUNNING"); i++) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Api.Reply put(Api as, String path, String json) {
    return as.send(
        as.request(path)
            .header("Content-Type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Public tables with a tenant_id column: the tenant-owned ones. */
  static List<String> tenantTables(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                    + "AND column_name = 'tenant_id' ORDER BY table_name")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void every_public_table_is_tenant_owned_with_forced_rls_and_a_tenant_policy() throws Exception {
    for (String db : List.of(Platform.DATABASE, dedicatedDb)) {
      try (Connection c = platform.superuser(db)) {
        List<String> owned = tenantTables(c);
        assertThat(owned)
            .contains(
                "users",
                "api_keys",
                "tenant_residency",
                "idempotency_keys",
                "routing_policies",
                "provider_keys",
                "credit_accounts",
                "credit_events",
                "credit_reservations",
                "credit_leases",
                "budgets",
                "budget_windows",
                "budget_alerts",
                "billing_reconciliations",
                "batches",
                "batch_lines",
                "webhook_secrets");
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                        + "(SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid), "
                        + "(SELECT bool_or(a.attname = 'tenant_id' AND a.attnotnull) FROM pg_attribute a WHERE a.attrelid = c.oid) "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')")) {
          int tables = 0;
          while (rs.next()) {
            tables++;
            String t = rs.getString(1);
            assertThat(rs.getBoolean(2)).as(db + "." + t + " RLS enabled").isTrue();
            assertThat(rs.getBoolean(3)).as(db + "." + t + " RLS forced").isTrue();
            assertThat(rs.getInt(4)).as(db + "." + t + " has a policy").isPositive();
            assertThat(rs.getBoolean(5)).as(db + "." + t + " tenant_id NOT NULL").isTrue();
          }
          assertThat(tables).isEqualTo(owned.size());
        }
      }
    }
  }

  @Test
  void tenant_id_leads_every_key_index_and_foreign_key() throws Exception {
    try (Connection c = platform.superuser(Platform.DATABASE);
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT i.indexrelid::regclass::text, a.attname FROM pg_index i "
                  + "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                  + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0] "
                  + "WHERE n.nspname = 'public'")) {
        int n = 0;
        while (rs.next()) {
          n++;
          assertThat(rs.getString(2))
              .as("first column of " + rs.getString(1))
              .isEqualTo("tenant_id");
        }
        assertThat(n).isPositive();
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT con.conname, (SELECT array_agg(a.attname::text) FROM pg_attribute a "
                  + "WHERE a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)) "
                  + "FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace "
                  + "WHERE con.contype = 'f' AND n.nspname = 'public'")) {
        while (rs.next()) {
          assertThat((String[]) rs.getArray(2).getArray())
              .as("foreign key " + rs.getString(1))
              .contains("tenant_id");
        }
      }
    }
  }

  @Test
  void the_application_role_is_powerless_outside_rls() throws Exception {
    for (String db : List.of(Platform.DATABASE, dedicatedDb)) {
      try (Connection c = platform.superuser(db);
          Statement s = c.createStatement()) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'tessera_app'")) {
          assertThat(rs.next()).isTrue();
          for (int i = 1; i <= 4; i++) {
            assertThat(rs.getBoolean(i)).as("tessera_app attribute " + i).isFalse();
          }
        }
        assertThat(
                single(
                    s,
                    "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'tessera_app'"))
            .as("relations owned by the app role")
            .isZero();
        assertThat(
                single(
                    s,
                    "SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE r.rolname = 'tessera_app'"))
            .isZero();
        assertThat(
                single(
                    s,
                    "SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = 'tessera_app'"))
            .isZero();
        assertThat(
                single(
                    s,
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname IN ('public', 'platform', 'tessera_meta') AND c.relkind IN ('r','p') "
                        + "AND has_table_privilege('tessera_app', c.oid, 'TRUNCATE')"))
            .as("tables the app role may TRUNCATE")
            .isZero();
        assertThat(
                single(
                    s,
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.relkind = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        + "AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)"))
            .as("views without security_invoker")
            .isZero();
      }
    }
  }

  @Test
  void another_tenant_sees_changes_and_inserts_nothing_of_mine() throws Exception {
    check(Platform.DATABASE, tenantA, tenantB);
    check(Platform.DATABASE, tenantB, tenantA);
    // the dedicated database: the same rules hold against a foreign tenant id
    check(dedicatedDb, dedicated, tenantA);
  }

  private void check(String db, String owner, String other) throws Exception {
    try (Connection su = platform.superuser(db);
        Connection app = platform.app(db)) {
      for (String table : tenantTables(su)) {
        String ownerRow = oneRowAsJson(su, table, owner);
        assertThat(ownerRow)
            .as(
                "fixture data: tenant "
                    + owner
                    + " needs a row in "
                    + table
                    + " (add one in seed())")
            .isNotNull();
        app.setAutoCommit(false);
        pin(app, other);
        try (Statement s = app.createStatement()) {
          try (ResultSet rs = s.executeQuery("SELECT tenant_id::text FROM public." + table)) {
            while (rs.next()) {
              assertThat(rs.getString(1)).as(table + " row visible to " + other).isEqualTo(other);
            }
          }
          if (appendOnly(app, table)) {
            // the ledger: no UPDATE or DELETE at all, not even of the tenant's own rows
            app.rollback();
            assertThatThrownBy(
                    () ->
                        s.executeUpdate(
                            "DELETE FROM public." + table + " WHERE tenant_id = '" + owner + "'"))
                .hasMessageContaining("permission denied");
            app.rollback();
            pin(app, other);
          } else {
            // immutable rows (prompt versions, decisions): no UPDATE at all, DELETE as usual
            assertThat(
                    updatable(app, table)
                        ? s.executeUpdate(
                            "UPDATE public."
                                + table
                                + " SET tenant_id = tenant_id WHERE tenant_id = '"
                                + owner
                                + "'")
                        : 0)
                .as("UPDATE of another tenant's rows in " + table)
                .isZero();
            assertThat(
                    s.executeUpdate(
                        "DELETE FROM public." + table + " WHERE tenant_id = '" + owner + "'"))
                .as("DELETE of another tenant's rows in " + table)
                .isZero();
          }
        }
        // the ledger's tables take no direct INSERT at all (only its functions write them)
        String refusal = mayInsert(app, table) ? "row-level security" : "permission denied";
        assertThatThrownBy(() -> insertJson(app, table, ownerRow))
            .as("INSERT into " + table + " with another tenant's id")
            .isInstanceOf(SQLException.class)
            .hasMessageContaining(refusal);
        app.rollback();

        // no tenant set: nothing visible, nothing writable
        try (Statement s = app.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM public." + table)) {
          rs.next();
          assertThat(rs.getLong(1)).as(table + " rows with no tenant set").isZero();
        }
        assertThatThrownBy(() -> insertJson(app, table, ownerRow)).isInstanceOf(SQLException.class);
        app.rollback();
        app.setAutoCommit(true);
      }
      // the owner is still intact
      assertThat(oneRowAsJson(su, "users", owner)).isNotNull();
    }
  }

  @Test
  void the_tenant_setting_does_not_survive_the_transaction() throws Exception {
    try (Connection app = platform.app(Platform.DATABASE)) {
      app.setAutoCommit(false);
      pin(app, tenantA);
      assertThat(count(app, "users")).isPositive();
      app.commit();
      app.setAutoCommit(true);
      assertThat(count(app, "users")).as("after commit, on the same connection").isZero();
    }
  }

  static boolean updatable(Connection app, String table) throws SQLException {
    try (PreparedStatement ps =
        app.prepareStatement(
            "SELECT has_table_privilege(current_user, ('public.' || ?)::regclass, 'UPDATE')")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  static boolean appendOnly(Connection app, String table) throws SQLException {
    try (PreparedStatement ps =
        app.prepareStatement(
            "SELECT NOT has_table_privilege(current_user, ('public.' || ?)::regclass, 'DELETE')")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  static boolean mayInsert(Connection app, String table) throws SQLException {
    try (PreparedStatement ps =
        app.prepareStatement(
            "SELECT has_table_privilege(current_user, ('public.' || ?)::regclass, 'INSERT')")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM public." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void pin(Connection c, String tenant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
      ps.setString(1, tenant);
      ps.executeQuery().close();
    }
  }

  private static String oneRowAsJson(Connection su, String table, String tenant)
      throws SQLException {
    try (PreparedStatement ps =
        su.prepareStatement(
            "SELECT row_to_json(t)::text FROM public."
                + table
                + " t WHERE tenant_id = ?::uuid LIMIT 1")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void insertJson(Connection c, String table, String json) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO public."
                + table
                + " SELECT * FROM json_populate_record(null::public."
                + table
                + ", ?::json)")) {
      ps.setString(1, json);
      ps.executeUpdate();
    }
  }

  private static long single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
