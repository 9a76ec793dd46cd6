package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tessera.web.it.Api.Reply;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builders and checks for ledger tests: priced models on a WireMock provider, grants, and the
 * ledger's invariants read straight from PostgreSQL (as the superuser, across every tenant).
 */
final class LedgerFixture {
  final Platform platform;
  final Api operator;
  final WireMockServer upstream;
  private final List<String> providers = new ArrayList<>();

  LedgerFixture(Platform platform, WireMockServer upstream) {
    this.platform = platform;
    this.operator = platform.operator();
    this.upstream = upstream;
  }

  static String completion(int prompt, int completion) {
    return "{\"id\":\"chatcmpl-up\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"up\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paid answer\"},"
        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + completion
        + ",\"total_tokens\":"
        + (prompt + completion)
        + "}}";
  }

  /**
   * A provider at {@code /<path>/v1} on the mock upstream answering every chat call with {@code
   * prompt}/{@code completion} tokens of usage, and a chat model on it; returns the model's name.
   */
  String pricedModel(String path, int tier, long inPerMillion, long outPerMillion, String body) {
    upstream.stubFor(
        post(urlEqualTo("/" + path + "/v1/chat/completions"))
            .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(body)));
    return model(path, tier, inPerMillion, outPerMillion);
  }

  /** A chat model on a provider at {@code /<path>/v1} whose stubs the caller sets up. */
  String model(
      String path, int tier, long inPerMillion, long outPerMillion, String... capabilities) {
    Reply provider =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\"ledger-"
                + path
                + "\",\"kind\":\"openai\",\"baseUrl\":\""
                + upstream.baseUrl()
                + "/"
                + path
                + "/v1\",\"apiKey\":\"sk-ledger\"}");
    assertThat(provider.status()).as(provider.toString()).isEqualTo(201);
    providers.add(provider.json().getString("id"));
    String name = "priced-" + path;
    Reply model =
        operator.post(
            "/api/v1/models",
            "{\"name\":\""
                + name
                + "\",\"providerId\":\""
                + provider.json().getString("id")
                + "\",\"upstreamName\":\"up\",\"tier\":"
                + tier
                + ",\"inputPricePerMillion\":"
                + inPerMillion
                + ",\"outputPricePerMillion\":"
                + outPerMillion
                + ",\"contextWindow\":8192,\"capabilities\":["
                + String.join(
                    ",", java.util.Arrays.stream(capabilities).map(c -> "\"" + c + "\"").toList())
                + "]}");
    assertThat(model.status()).as(model.toString()).isEqualTo(201);
    return name;
  }

  /** Waits until the node {@code as} talks to lists {@code model} (catalogs refresh every 2 s). */
  static void awaitModel(Api as, String model) throws InterruptedException {
    long until = System.currentTimeMillis() + 60_000;
    while (!as.get("/v1/models").body().contains("\"" + model + "\"")) {
      assertThat(System.currentTimeMillis())
          .as("model " + model + " never listed")
          .isLessThan(until);
      Thread.sleep(200);
    }
  }

  /** Removes every provider this fixture added (the catalog is platform-wide). */
  void removeModels() {
    providers.forEach(p -> operator.delete("/api/v1/providers/" + p));
    providers.clear();
  }

  Reply grant(String tenant, long amount, String key) {
    return operator.post(
        "/api/v1/tenants/" + tenant + "/credits",
        "{\"type\":\"GRANT\",\"amount\":"
            + amount
            + ",\"reason\":\"test credit\""
            + (key == null ? "" : ",\"idempotencyKey\":\"" + key + "\"")
            + "}");
  }

  long[] balance(String tenant) {
    Reply r = operator.get("/api/v1/tenants/" + tenant + "/credits");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return new long[] {
      r.json().getJsonNumber("balance").longValue(), r.json().getJsonNumber("reserved").longValue()
    };
  }

  static String ask(String model, int maxTokens) {
    return "{\"model\":\""
        + model
        + "\",\"max_tokens\":"
        + maxTokens
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say something short\"}]}";
  }

  /**
   * The ledger's invariants for one tenant, from the database itself: never negative, the
   * projection equals the sum of the events, each request settled at most once, and no hold left
   * open when {@code quiescent}. Returns the number of settled requests.
   */
  long assertInvariants(String tenant, boolean quiescent) throws SQLException {
    try (Connection c = platform.superuser(databaseOf(tenant))) {
      long balance = 0;
      long reserved = 0;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT balance, reserved FROM public.credit_accounts WHERE tenant_id = ?::uuid")) {
        ps.setString(1, tenant);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            balance = rs.getLong(1);
            reserved = rs.getLong(2);
          }
        }
      }
      assertThat(balance).as("balance of " + tenant).isNotNegative();
      assertThat(balance - reserved).as("available of " + tenant).isNotNegative();
      assertThat(sumOfEvents(c, "balance_delta", tenant))
          .as("sum of events = projected balance")
          .isEqualTo(balance);
      assertThat(sumOfEvents(c, "hold_delta", tenant))
          .as("sum of hold events = projected holds")
          .isEqualTo(reserved);
      assertThat(
              count(
                  c,
                  "SELECT count(*) FROM (SELECT request_id FROM public.credit_events e"
                      + " WHERE e.type = 'SETTLE' AND e.tenant_id = ?::uuid"
                      + " GROUP BY request_id HAVING count(*) > 1) d",
                  tenant))
          .as("requests charged more than once")
          .isZero();
      assertThat(
              count(
                  c,
                  "SELECT count(*) FROM public.credit_reservations r WHERE r.tenant_id = ?::uuid"
                      + " AND ((r.status = 'SETTLED') <> EXISTS (SELECT 1 FROM public.credit_events e"
                      + " WHERE e.tenant_id = r.tenant_id AND e.request_id = r.request_id"
                      + " AND e.type = 'SETTLE'))",
                  tenant))
          .as("reservations whose status disagrees with their events")
          .isZero();
      assertThat(
              count(
                      c,
                      "SELECT coalesce(sum(amount), 0) FROM public.credit_reservations r"
                          + " WHERE r.tenant_id = ?::uuid AND r.status = 'OPEN'",
                      tenant)
                  + count(
                      c,
                      "SELECT coalesce(sum(granted - spent), 0) FROM public.credit_leases l"
                          + " WHERE l.tenant_id = ?::uuid AND l.status = 'OPEN'",
                      tenant))
          .as("open holds and what open leases have left = projected holds")
          .isEqualTo(reserved);
      if (quiescent) {
        assertThat(reserved).as("holds left open once everything has ended").isZero();
      }
      return count(
          c,
          "SELECT count(*) FROM public.credit_events e WHERE e.type = 'SETTLE'"
              + " AND e.tenant_id = ?::uuid",
          tenant);
    }
  }

  private static long sumOfEvents(Connection c, String column, String tenant) throws SQLException {
    return count(
        c,
        "SELECT coalesce(sum("
            + column
            + "), 0) FROM public.credit_events WHERE tenant_id = ?::uuid",
        tenant);
  }

  /** The single number {@code sql} answers for the tenant (its one parameter). */
  private static long count(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The single number {@code sql} answers on the platform's database for its parameters. */
  long scalar(String sql, Object... parameters) throws SQLException {
    try (Connection c = platform.superuser(Platform.DATABASE)) {
      return count(c, sql, parameters);
    }
  }

  /** The database that holds the tenant: the shared one, or its own. */
  String databaseOf(String tenant) throws SQLException {
    try (Connection c = platform.superuser(Platform.DATABASE);
        PreparedStatement ps =
            c.prepareStatement("SELECT database_name FROM platform.tenants WHERE id = ?::uuid")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getString(1) != null ? rs.getString(1) : Platform.DATABASE;
      }
    }
  }

  /** Ledger events of one request, in order: their types and amounts. */
  List<String> eventsOf(String tenant, String requestId) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = platform.superuser(databaseOf(tenant));
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT type, amount FROM public.credit_events WHERE tenant_id = ?::uuid"
                    + " AND request_id = ? ORDER BY created_at, type")) {
      ps.setString(1, tenant);
      ps.setString(2, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + ":" + rs.getLong(2));
        }
      }
    }
    return out;
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** The definition of credit_events' rule tying an event's effect to its type and amount. */
  static String eventRule(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                    + " WHERE conrelid = 'public.credit_events'::regclass"
                    + " AND conname = 'credit_events_effect_follows_type'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
