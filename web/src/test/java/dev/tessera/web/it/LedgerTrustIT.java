package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tessera.web.it.Api.Reply;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database trust boundary of the ledger (issue 8): the application role can move credits only
 * through the ledger's functions, which run as a role it cannot assume; it cannot write ledger
 * rows, purge them, or create the temporary objects that could hijack a SECURITY DEFINER function;
 * and an event whose effect does not follow from its type and amount cannot be recorded, or is
 * reported.
 */
class LedgerTrustIT {
  static Platform platform;
  static Api operator;
  static LedgerFixture ledger;

  static WireMockServer upstream;

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
    ledger = new LedgerFixture(platform, upstream);
  }

  @AfterAll
  static void stop() {
    ledger.removeModels();
    upstream.stop();
  }

  @Test
  void a_budget_at_the_largest_accepted_limit_still_charges_every_call() throws Exception {
    String model =
        ledger.pricedModel(
            "bigbudget-" + LedgerFixture.unique(),
            1,
            1_000_000,
            2_000_000,
            LedgerFixture.completion(9, 3));
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000, null);
    String[] key = operator.createKey(tenant, "inference", "admin");
    Api admin = operator.as(key[1]);
    // past the bound: a clear 400, nothing stored
    Reply tooBig =
        admin.post(
            "/api/v1/tenants/" + tenant + "/budgets",
            "{\"period\":\"DAILY\",\"limit\":" + Long.MAX_VALUE + ",\"enforcement\":\"HARD\"}");
    assertThat(tooBig.status()).as(tooBig.toString()).isEqualTo(400);
    assertThat(tooBig.body()).contains("limit");
    // the largest accepted limit, hard and soft, every threshold up to 100 %
    for (String budget :
        List.of(
            "{\"period\":\"DAILY\",\"limit\":1000000000000000,\"enforcement\":\"HARD\","
                + "\"alertThresholds\":[1,50,100]}",
            "{\"scope\":\"KEY\",\"scopeValue\":\""
                + key[0]
                + "\",\"period\":\"MONTHLY\",\"limit\":1000000000000000,"
                + "\"enforcement\":\"SOFT\",\"alertThresholds\":[100]}")) {
      Reply b = admin.post("/api/v1/tenants/" + tenant + "/budgets", budget);
      assertThat(b.status()).as(b.toString()).isEqualTo(201);
    }
    Reply r = operator.as(key[1]).post("/v1/chat/completions", LedgerFixture.ask(model, 10));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(ledger.eventsOf(tenant, r.header("x-request-id")))
        .filteredOn(e -> e.startsWith("SETTLE"))
        .containsExactly("SETTLE:15");
    assertThat(ledger.balance(tenant)).containsExactly(1_000 - 15, 0);
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void an_owed_charge_is_collected_and_its_hold_is_never_given_back_free() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000, null);
    try (Connection app = platform.app(Platform.DATABASE)) {
      app.setAutoCommit(false);
      IsolationIT.pin(app, tenant);
      // a hold whose settle failed (twice) and whose deadline has passed
      LedgerFixture.execute(
          app,
          "SELECT * FROM tessera_meta.billing_reserve('owed-1', 100, null, null, 'm',"
              + " now() - interval '1 minute', 'test')");
      LedgerFixture.execute(
          app, "SELECT tessera_meta.billing_owe('owed-1', 40, 'm', 10, 15, 0, 'miss', 'test')");
      app.commit();
    }
    // the reaper (every second here) settles it at what was owed instead of releasing it
    long until = System.currentTimeMillis() + 20_000;
    while (ledger.balance(tenant)[1] != 0 && System.currentTimeMillis() < until) {
      Thread.sleep(200);
    }
    assertThat(ledger.balance(tenant)).containsExactly(1_000 - 40, 0);
    assertThat(ledger.eventsOf(tenant, "owed-1"))
        .contains("SETTLE:40")
        .doesNotContain("RELEASE:100");
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void the_application_role_cannot_write_ledger_tables_directly() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 100, null);
    String event =
        "INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,"
            + " actor) VALUES ('"
            + tenant
            + "', gen_random_uuid(), 'GRANT', 1, 1000000000, 0, 'forger')";
    List<String> forgeries =
        List.of(
            event,
            "UPDATE public.credit_accounts SET balance = 1000000000",
            "INSERT INTO public.credit_accounts (tenant_id, balance) VALUES ('"
                + UUID.randomUUID()
                + "', 5)",
            "UPDATE public.credit_reservations SET status = 'RELEASED'",
            "INSERT INTO public.credit_reservations (tenant_id, request_id, amount, status,"
                + " expires_at) VALUES ('"
                + tenant
                + "', 'forged', 0, 'SETTLED', now())",
            "UPDATE public.budget_windows SET spent = 0",
            "INSERT INTO public.billing_reconciliations (tenant_id, id, projected_balance,"
                + " projected_reserved, event_balance, event_reserved, actor) VALUES ('"
                + tenant
                + "', gen_random_uuid(), 0, 0, 0, 0, 'x')",
            "UPDATE public.budget_alerts SET spent = 0",
            // the budget helper moves windows by any amount: only the ledger functions call it
            "SELECT tessera_meta.billing_budgets(null, null, now(), 0, 1000000, 0)",
            // whole-tenant purges are no longer within the application's reach
            "SELECT tessera_meta.purge_tenant_rows('public.credit_events')");
    try (Connection app = platform.app(Platform.DATABASE)) {
      app.setAutoCommit(false);
      for (String sql : forgeries) {
        IsolationIT.pin(app, tenant);
        assertThatThrownBy(() -> LedgerFixture.execute(app, sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .satisfies(
                e ->
                    assertThat(((SQLException) e).getSQLState())
                        .as(sql + ": " + e.getMessage())
                        .isIn("42501", "42883"));
        app.rollback();
      }
      // a temporary object could shadow what a SECURITY DEFINER function calls: none may be made
      assertThatThrownBy(() -> LedgerFixture.execute(app, "CREATE TEMP TABLE t (x int)"))
          .hasMessageContaining("permission denied");
      app.rollback();
      // the functions still work for it, and only through them does the balance move
      IsolationIT.pin(app, tenant);
      LedgerFixture.execute(
          app,
          "SELECT * FROM tessera_meta.billing_movement('GRANT', 5, null, null, 'test', 'via the"
              + " function')");
      app.commit();
    }
    assertThat(ledger.balance(tenant)).containsExactly(105, 0);
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void every_security_definer_function_is_sealed() throws Exception {
    for (String db : List.of(Platform.DATABASE)) {
      try (Connection su = platform.superuser(db);
          Statement s = su.createStatement()) {
        List<String> offenders = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT p.oid::regprocedure::text, r.rolname, r.rolcanlogin, r.rolbypassrls,"
                    + " r.rolsuper, coalesce(array_to_string(p.proconfig, ';'), ''),"
                    + " has_function_privilege('public', p.oid, 'EXECUTE'),"
                    + " pg_has_role('tessera_app', p.proowner, 'USAGE')"
                    + " FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner"
                    + " JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
          int n = 0;
          while (rs.next()) {
            n++;
            String fn = rs.getString(1);
            if (rs.getBoolean(3) || rs.getBoolean(4) || rs.getBoolean(5)) {
              offenders.add(
                  fn + " owned by a login, BYPASSRLS or superuser role " + rs.getString(2));
            }
            if (!rs.getString(6).matches("search_path=[^;]*pg_temp(;.*)?")) {
              offenders.add(fn + " without pg_temp last in its search_path: " + rs.getString(6));
            }
            if (rs.getBoolean(7)) {
              offenders.add(fn + " executable by PUBLIC");
            }
            if (rs.getBoolean(8)) {
              offenders.add(fn + " owned by a role the application can assume");
            }
          }
          assertThat(n).as("SECURITY DEFINER functions found").isGreaterThanOrEqualTo(7);
        }
        assertThat(offenders).isEmpty();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT p.proowner::regrole::text FROM pg_proc p"
                    + " WHERE p.oid = 'tessera_meta.billing_settle(text, bigint, text, integer,"
                    + " integer, integer, text, text)'::regprocedure")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("tessera_ledger_owner");
        }
      }
    }
  }

  @Test
  void an_event_whose_effect_does_not_follow_from_its_type_is_refused_or_reported()
      throws Exception {
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 100, null);
    String forged =
        "INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,"
            + " actor) VALUES ('"
            + tenant
            + "', gen_random_uuid(), 'GRANT', 1, 1000000, 0, 'forger')";
    try (Connection su = platform.superuser(Platform.DATABASE)) {
      // even the owner cannot record it now
      assertThatThrownBy(() -> LedgerFixture.execute(su, forged))
          .hasMessageContaining("credit_events_effect_follows_type");
      // one recorded before the rule existed (the rule is lifted for this one insert, then put
      // back exactly as the migrations wrote it)
      String rule = LedgerFixture.eventRule(su);
      su.setAutoCommit(false);
      LedgerFixture.execute(
          su, "ALTER TABLE public.credit_events DROP CONSTRAINT credit_events_effect_follows_type");
      LedgerFixture.execute(su, forged);
      LedgerFixture.execute(
          su,
          "ALTER TABLE public.credit_events ADD CONSTRAINT credit_events_effect_follows_type "
              + rule);
      su.commit();
      assertThat(LedgerFixture.eventRule(su)).isEqualTo(rule);
    }
    Reply r = operator.post("/api/v1/tenants/" + tenant + "/credits/reconcile", "");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getInt("invalidEvents")).isEqualTo(1);
    assertThat(r.json().getJsonObject("fromEvents").getInt("balance"))
        .as("the forged event is not counted")
        .isEqualTo(100);
    assertThat(ledger.balance(tenant)).containsExactly(100, 0);
  }

  @Test
  void the_table_refuses_exactly_the_events_the_reconciler_reports() throws Exception {
    // every type with small amounts and effects of either sign: the CHECK on credit_events and
    // ledger_event_is_consistent (which reconcile uses) must agree on each one
    String probe =
        "CREATE FUNCTION pg_temp.rule_probe() RETURNS TABLE (accepted int, refused int,"
            + " disagreements text) LANGUAGE plpgsql AS $$\n"
            + "DECLARE ty text; a bigint; b bigint; h bigint; ok boolean;\n"
            + "BEGIN accepted := 0; refused := 0; disagreements := '';\n"
            + " FOREACH ty IN ARRAY ARRAY['GRANT','PURCHASE','REFUND','ADJUSTMENT','EXPIRY',"
            + "'RESERVE','RELEASE','SETTLE'] LOOP\n"
            + "  FOR a IN -2..2 LOOP FOR b IN -3..3 LOOP FOR h IN -3..3 LOOP\n"
            + "   BEGIN\n"
            + "    INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta,"
            + " hold_delta, actor) VALUES (gen_random_uuid(), gen_random_uuid(), ty, a, b, h, 'probe');\n"
            + "    ok := true;\n"
            + "   EXCEPTION WHEN check_violation THEN ok := false; END;\n"
            + "   IF ok THEN accepted := accepted + 1; ELSE refused := refused + 1; END IF;\n"
            + "   IF ok IS DISTINCT FROM (tessera_meta.ledger_event_is_consistent(ty, a, b, h)"
            + " AND (ty = 'ADJUSTMENT' OR a >= 0)) THEN\n"
            + "    disagreements := disagreements || format('%s %s %s %s; ', ty, a, b, h);\n"
            + "   END IF;\n"
            + "  END LOOP; END LOOP; END LOOP;\n"
            + " END LOOP; RETURN NEXT; END $$";
    try (Connection su = platform.superuser(Platform.DATABASE)) {
      su.setAutoCommit(false);
      try {
        LedgerFixture.execute(su, probe);
        try (Statement st = su.createStatement();
            ResultSet rs = st.executeQuery("SELECT * FROM pg_temp.rule_probe()")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("disagreements")).isEmpty();
          // of 8 types x 245 combinations: GRANT, PURCHASE, REFUND, EXPIRY 2 each, ADJUSTMENT 4,
          // RESERVE and RELEASE 3 each (amount 0 included), SETTLE 6 (partial holds)
          assertThat(rs.getInt("accepted")).isEqualTo(24);
          assertThat(rs.getInt("refused")).isEqualTo(8 * 5 * 7 * 7 - rs.getInt("accepted"));
        }
      } finally {
        su.rollback();
      }
    }
  }

  @Test
  void two_concurrent_refunds_of_a_request_never_exceed_what_it_was_charged() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000, null);
    try (Connection first = platform.app(Platform.DATABASE);
        Connection second = platform.app(Platform.DATABASE)) {
      first.setAutoCommit(false);
      IsolationIT.pin(first, tenant);
      LedgerFixture.execute(
          first,
          "SELECT * FROM tessera_meta.billing_reserve('refunded', 100, null, null, 'm',"
              + " now() + interval '1 minute', 'test')");
      LedgerFixture.execute(
          first,
          "SELECT * FROM tessera_meta.billing_settle('refunded', 100, 'm', 1, 1, 0, 'miss', 'test')");
      first.commit();
      // the first refund of the whole charge, not yet committed ...
      IsolationIT.pin(first, tenant);
      LedgerFixture.execute(first, refund("r1"));
      // ... and a second one racing it: it must wait, then see the first
      java.util.concurrent.CompletableFuture<String> racing =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  second.setAutoCommit(false);
                  IsolationIT.pin(second, tenant);
                  LedgerFixture.execute(second, refund("r2"));
                  second.commit();
                  return "APPLIED";
                } catch (SQLException e) {
                  return e.getSQLState();
                }
              });
      Thread.sleep(500);
      first.commit();
      assertThat(racing.get(30, java.util.concurrent.TimeUnit.SECONDS))
          .as("the second refund of the same charge")
          .isEqualTo("TS422");
    }
    assertThat(ledger.balance(tenant)).containsExactly(1_000, 0);
    ledger.assertInvariants(tenant, true);
  }

  private static String refund(String key) {
    return "SELECT * FROM tessera_meta.billing_movement('REFUND', 100, '"
        + key
        + "', 'refunded', 'test', 'refund')";
  }

  @Test
  void usage_beyond_the_hold_stops_at_a_hard_budget() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 10_000, null);
    Reply budget =
        operator.post(
            "/api/v1/tenants/" + tenant + "/budgets",
            "{\"period\":\"DAILY\",\"limit\":300,\"enforcement\":\"HARD\"}");
    assertThat(budget.status()).as(budget.toString()).isEqualTo(201);
    try (Connection app = platform.app(Platform.DATABASE)) {
      app.setAutoCommit(false);
      IsolationIT.pin(app, tenant);
      LedgerFixture.execute(
          app,
          "SELECT * FROM tessera_meta.billing_reserve('over', 100, null, null, 'm',"
              + " now() + interval '1 minute', 'test')");
      // the provider ignored max_tokens: 2,000 worth of usage on a hold of 100
      LedgerFixture.execute(
          app,
          "SELECT * FROM tessera_meta.billing_settle('over', 2000, 'm', 1, 1, 0, 'miss', 'test')");
      app.commit();
    }
    assertThat(ledger.eventsOf(tenant, "over")).contains("SETTLE:300");
    assertThat(ledger.balance(tenant)).containsExactly(10_000 - 300, 0);
    ledger.assertInvariants(tenant, true);
  }
}
