package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.web.it.Api.Reply;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Online tier changes under concurrent writes: every acknowledged write is present exactly once on
 * the new tier and gone from the old; a move that fails midway leaves the tenant where it was.
 */
class TierMoveIT {
  static Platform platform;
  static Api operator;

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
  }

  @Test
  void moves_standard_to_professional_to_enterprise_and_back_while_writes_go_on() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    Api admin = operator.as(operator.createKey(tenant, "admin")[1]);
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 20; i++) {
      acknowledged.add(created(admin.createUser(tenant, "seed" + i + "@example.com")));
    }
    // credits travel too: the append-only ledger is copied and purged like any tenant table
    LedgerFixture ledger = new LedgerFixture(platform, null);
    for (int i = 0; i < 3; i++) {
      assertThat(ledger.grant(tenant, 100 + i, "move-" + i).status()).isEqualTo(201);
    }

    moveUnderLoad(tenant, admin, "PROFESSIONAL", acknowledged, "a");
    assertThat(ledger.balance(tenant)).containsExactly(303, 0);
    ledger.assertInvariants(tenant, true);
    String db = "tessera_t_" + tenant.replace("-", "");
    assertThat(rowsOf(Platform.DATABASE, tenant)).as("left behind in the shared database").isZero();
    assertThat(rowsOf(db, tenant)).isPositive();
    assertAllPresentOnce(admin, tenant, acknowledged);

    Reply toEnterprise =
        operator.post("/api/v1/tenants/" + tenant + "/tier", "{\"tier\":\"ENTERPRISE\"}");
    assertThat(toEnterprise.status()).as(toEnterprise.toString()).isEqualTo(200);
    assertThat(operator.get("/api/v1/tenants/" + tenant).json().getString("tier"))
        .isEqualTo("ENTERPRISE");
    assertAllPresentOnce(admin, tenant, acknowledged);

    moveUnderLoad(tenant, admin, "STANDARD", acknowledged, "b");
    assertThat(ledger.balance(tenant)).containsExactly(303, 0);
    assertThat(operator.all("/api/v1/tenants/" + tenant + "/credits/events")).hasSize(3);
    ledger.assertInvariants(tenant, true);
    assertThat(databaseExists(db)).as("the dedicated database is dropped").isFalse();
    assertAllPresentOnce(admin, tenant, acknowledged);
  }

  @Test
  void a_failed_move_leaves_the_tenant_on_its_old_tier_intact() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    Api admin = operator.as(operator.createKey(tenant, "admin")[1]);
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      acknowledged.add(created(admin.createUser(tenant, "keep" + i + "@example.com")));
    }
    // sabotage: the destination database exists with a table in the way, so migrating it fails
    String db = "tessera_t_" + tenant.replace("-", "");
    try (Connection su = platform.superuser("postgres");
        Statement s = su.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    try (Connection su = platform.superuser(db);
        Statement s = su.createStatement()) {
      s.execute("CREATE TABLE public.users (something_else int)");
    }
    Reply failed =
        operator.post("/api/v1/tenants/" + tenant + "/tier", "{\"tier\":\"PROFESSIONAL\"}");
    assertThat(failed.status()).as(failed.toString()).isBetween(400, 599);
    assertThat(failed.contentType()).startsWith("application/problem+json");

    assertThat(operator.get("/api/v1/tenants/" + tenant).json().getString("tier"))
        .isEqualTo("STANDARD");
    assertAllPresentOnce(admin, tenant, acknowledged);
    acknowledged.add(created(admin.createUser(tenant, "after@example.com")));
    assertAllPresentOnce(admin, tenant, acknowledged);
    try (Connection su = platform.superuser(Platform.DATABASE);
        PreparedStatement ps =
            su.prepareStatement(
                "SELECT state FROM platform.tier_moves WHERE tenant_id = ?::uuid")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("FAILED");
      }
    }
    JsonObject failedMove =
        operator.get("/api/v1/tenants/" + tenant + "/tier").json().getJsonObject("lastMove");
    assertThat(failedMove.getString("state")).isEqualTo("FAILED");
    assertThat(failedMove.getBoolean("running")).isFalse();
    assertThat(failedMove.getString("detail")).isNotBlank();
    assertThat(failedMove.getString("summary"))
        .startsWith("The move from STANDARD to PROFESSIONAL failed and was rolled back: ");
    // and a later move still works
    Reply retried =
        operator.post("/api/v1/tenants/" + tenant + "/tier", "{\"tier\":\"PROFESSIONAL\"}");
    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertAllPresentOnce(admin, tenant, acknowledged);
  }

  @Test
  void a_running_move_shows_its_progress_and_then_what_it_did() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    Api admin = operator.as(operator.createKey(tenant, "admin")[1]);
    for (int i = 0; i < 3; i++) {
      created(admin.createUser(tenant, "watch" + i + "@example.com"));
    }
    String tier = "/api/v1/tenants/" + tenant + "/tier";
    Reply none = operator.get(tier);
    assertThat(none.status()).as(none.toString()).isEqualTo(200);
    assertThat(none.json().getString("tier")).isEqualTo("STANDARD");
    assertThat(none.json().containsKey("lastMove")).as("no move yet").isFalse();

    ExecutorService caller = Executors.newSingleThreadExecutor();
    Future<Reply> moved;
    // a transaction of the tenant in flight: the move waits for it, and says so
    try (Connection inFlight = platform.superuser(Platform.DATABASE)) {
      inFlight.setAutoCommit(false);
      holdTenantLock(inFlight, tenant);
      moved = caller.submit(() -> operator.post(tier, "{\"tier\":\"PROFESSIONAL\"}"));
      JsonObject waiting = awaitMove(tier, m -> "waiting".equals(m.getString("phase", null)));
      assertThat(waiting.getBoolean("running")).isTrue();
      assertThat(waiting.getString("state")).isEqualTo("COPYING");
      assertThat(waiting.getString("from")).isEqualTo("STANDARD");
      assertThat(waiting.getString("to")).isEqualTo("PROFESSIONAL");
      assertThat(waiting.getString("summary"))
          .isEqualTo(
              "Moving from STANDARD to PROFESSIONAL: waiting for the tenant's transactions in"
                  + " flight to finish…");
      assertThat(moved.isDone()).as("the move waits for the transaction").isFalse();
      inFlight.commit();
    }
    Reply report = moved.get(60, java.util.concurrent.TimeUnit.SECONDS);
    caller.shutdown();
    assertThat(report.status()).as(report.toString()).isEqualTo(200);
    long rows =
        report.json().getJsonArray("tables").getValuesAs(JsonObject.class).stream()
            .mapToLong(t -> t.getJsonNumber("rows").longValue())
            .sum();

    JsonObject done = operator.get(tier).json();
    assertThat(done.getString("tier")).isEqualTo("PROFESSIONAL");
    JsonObject last = done.getJsonObject("lastMove");
    assertThat(last.getString("state")).isEqualTo("DONE");
    assertThat(last.getBoolean("running")).isFalse();
    int tables = report.json().getJsonArray("tables").size();
    assertThat(last.getInt("tablesTotal")).isEqualTo(tables);
    assertThat(last.getInt("tablesDone")).isEqualTo(tables);
    assertThat(last.getJsonNumber("rowsCopied").longValue()).isEqualTo(rows).isPositive();
    assertThat(last.getJsonNumber("writesHeldMillis").longValue())
        .isEqualTo(report.json().getJsonNumber("writesHeldMillis").longValue());
    assertThat(last.getString("summary"))
        .startsWith(
            "Moved from STANDARD to PROFESSIONAL: " + tables + " tables (" + rows + " rows)");

    // the operator's view only: a tenant's own admin is refused, an unknown tenant is not found
    assertThat(admin.get(tier).status()).isEqualTo(403);
    Reply unknown = operator.get("/api/v1/tenants/" + java.util.UUID.randomUUID() + "/tier");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
  }

  /** Takes the lock every transaction of the tenant takes, as one of them would. */
  static void holdTenantLock(Connection c, String tenant) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pg_advisory_xact_lock_shared(tessera_meta.tenant_lock_key(?::uuid))")) {
      ps.setString(1, tenant);
      ps.executeQuery().close();
    }
  }

  private static JsonObject awaitMove(String tierPath, java.util.function.Predicate<JsonObject> is)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    JsonObject last = null;
    while (System.currentTimeMillis() < deadline) {
      JsonObject state = operator.get(tierPath).json();
      last = state.containsKey("lastMove") ? state.getJsonObject("lastMove") : null;
      if (last != null && is.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the move never got there; last seen: " + last);
  }

  private void moveUnderLoad(
      String tenant, Api admin, String tier, List<String> acknowledged, String tag)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<Integer>> results = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      results.add(
          writers.submit(
              () -> {
                int n = 0;
                while (!stop.get()) {
                  Reply r =
                      admin.createUser(tenant, tag + "-w" + writer + "-" + n++ + "@example.com");
                  if (r.status() == 201) {
                    acknowledged.add(r.json().getString("id"));
                  } else if (r.status() != 503) {
                    throw new AssertionError("write failed during the move: " + r);
                  }
                }
                return n;
              }));
    }
    int before = acknowledged.size();
    awaitWrites(acknowledged, before + 8);
    Reply moved =
        operator.post("/api/v1/tenants/" + tenant + "/tier", "{\"tier\":\"" + tier + "\"}");
    awaitWrites(acknowledged, acknowledged.size() + 8);
    stop.set(true);
    int attempts = 0;
    for (Future<Integer> f : results) {
      attempts += f.get();
    }
    writers.shutdown();
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    assertThat(moved.json().getString("to")).isEqualTo(tier);
    assertThat(moved.json().getJsonArray("tables")).isNotEmpty();
    assertThat(attempts).as("writes attempted around the move").isGreaterThanOrEqualTo(16);
    assertThat(operator.get("/api/v1/tenants/" + tenant).json().getString("tier")).isEqualTo(tier);
  }

  private static void awaitWrites(List<String> acknowledged, int atLeast)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (acknowledged.size() < atLeast && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(acknowledged.size()).as("acknowledged writes").isGreaterThanOrEqualTo(atLeast);
  }

  private static void assertAllPresentOnce(Api admin, String tenant, List<String> acknowledged) {
    List<JsonObject> users = admin.all("/api/v1/tenants/" + tenant + "/users");
    Map<String, Long> counts =
        users.stream()
            .collect(Collectors.groupingBy(u -> u.getString("id"), Collectors.counting()));
    assertThat(counts.values()).allMatch(c -> c == 1L);
    assertThat(counts.keySet()).containsAll(acknowledged);
  }

  private static String created(Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static long rowsOf(String db, String tenant) throws Exception {
    try (Connection su = platform.superuser(db);
        PreparedStatement ps =
            su.prepareStatement(
                "SELECT (SELECT count(*) FROM users WHERE tenant_id = ?::uuid) "
                    + "+ (SELECT count(*) FROM api_keys WHERE tenant_id = ?::uuid) "
                    + "+ (SELECT count(*) FROM tenant_residency WHERE tenant_id = ?::uuid)")) {
      for (int i = 1; i <= 3; i++) {
        ps.setString(i, tenant);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static boolean databaseExists(String db) throws Exception {
    try (Connection su = platform.superuser("postgres");
        PreparedStatement ps = su.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, db);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
