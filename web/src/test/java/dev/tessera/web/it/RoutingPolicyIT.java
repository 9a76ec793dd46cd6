package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.web.it.Api.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing policies over real HTTP: tier entitlements (a STANDARD tenant is barred from T3 by
 * default), data residency (never routed outside the allowed regions), and a champion-challenger
 * split, all visible in /v1/models and in which model serves.
 */
class RoutingPolicyIT {
  static Platform platform;
  static Api operator;
  static final List<String> providers = new ArrayList<>();
  static final String TAG = Long.toString(System.nanoTime());

  @BeforeAll
  static void catalog() {
    platform = Platform.get();
    operator = platform.operator();
    // never called: these tests only look at what is routable
    register("premium-" + TAG, "openai", "http://127.0.0.1:9/v1", "us", 3, null);
    register("eu-only-" + TAG, "openai", "http://127.0.0.1:9/v1", "eu", 1, null);
    // a second name for the offline model, to act as a challenger
    register(
        "local-alt-" + TAG, "local", "http://127.0.0.1:9/local", "local", 1, "local-extractive");
  }

  @AfterAll
  static void cleanUp() {
    providers.forEach(id -> operator.delete("/api/v1/providers/" + id));
  }

  static void register(
      String model, String kind, String url, String region, int tier, String upstream) {
    Reply p =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\""
                + model
                + "\",\"kind\":\""
                + kind
                + "\",\"baseUrl\":\""
                + url
                + "\",\"region\":\""
                + region
                + "\"}");
    assertThat(p.status()).as(p.toString()).isEqualTo(201);
    providers.add(p.json().getString("id"));
    Reply m =
        operator.post(
            "/api/v1/models",
            "{\"name\":\""
                + model
                + "\",\"providerId\":\""
                + p.json().getString("id")
                + "\",\"tier\":"
                + tier
                + (upstream == null ? "" : ",\"upstreamName\":\"" + upstream + "\"")
                + "}");
    assertThat(m.status()).as(m.toString()).isEqualTo(201);
  }

  static List<String> models(Api dev) {
    List<String> ids = new ArrayList<>();
    dev.get("/v1/models")
        .json()
        .getJsonArray("data")
        .forEach(v -> ids.add(v.asJsonObject().getString("id")));
    return ids;
  }

  static Api developer(String tier) {
    String tenant = operator.createTenant(tier);
    return operator.as(operator.createKey(tenant, "inference")[1]);
  }

  @Test
  void a_standard_tenant_is_barred_from_t3_by_default_and_policies_narrow_further() {
    Api standard = developer("STANDARD");
    assertThat(models(standard)).doesNotContain("premium-" + TAG).contains("local-extractive");
    Reply barred =
        standard.post(
            "/v1/chat/completions",
            "{\"model\":\"premium-"
                + TAG
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    GatewayIT.assertOpenAiError(barred, 404);

    String pro = operator.createTenant("PROFESSIONAL");
    Api professional = operator.as(operator.createKey(pro, "inference")[1]);
    assertThat(models(professional)).contains("premium-" + TAG);
    Reply narrowed =
        operator.send(
            operator
                .request("/api/v1/tenants/" + pro + "/routing-policy")
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"maxTier\":1}")));
    assertThat(narrowed.status()).as(narrowed.toString()).isEqualTo(200);
    assertThat(models(professional)).doesNotContain("premium-" + TAG).contains("eu-only-" + TAG);
  }

  @Test
  void data_never_routes_outside_the_allowed_regions() {
    String tenant = operator.createTenant("ENTERPRISE");
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);
    assertThat(models(dev)).contains("eu-only-" + TAG);
    put(tenant, "{\"allowedRegions\":[\"us\"]}");
    assertThat(models(dev))
        .doesNotContain("eu-only-" + TAG)
        .contains("premium-" + TAG, "local-extractive");
    Reply r =
        dev.post(
            "/v1/chat/completions",
            "{\"model\":\"eu-only-"
                + TAG
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    GatewayIT.assertOpenAiError(r, 404);
  }

  @Test
  void champion_challenger_sends_the_configured_share_to_the_challenger() {
    String tenant = operator.createTenant("STANDARD");
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);
    put(
        tenant,
        "{\"championModel\":\"local-extractive\",\"challengerModel\":\"local-alt-"
            + TAG
            + "\",\"challengerShare\":100}");
    Reply r =
        dev.post(
            "/v1/chat/completions",
            "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"system\",\"content\":\"The sky is blue.\"},"
                + "{\"role\":\"user\",\"content\":\"What colour is the sky?\"}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("x-tessera-model")).isEqualTo("local-alt-" + TAG);
    assertThat(r.header("x-tessera-route")).isEqualTo("challenger");
    put(
        tenant,
        "{\"championModel\":\"local-extractive\",\"challengerModel\":\"local-alt-"
            + TAG
            + "\",\"challengerShare\":0}");
    Reply back =
        dev.post(
            "/v1/chat/completions",
            "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(back.header("x-tessera-model")).isEqualTo("local-extractive");
    assertThat(back.header("x-tessera-route")).isEqualTo("primary");
  }

  @Test
  void only_the_operator_sets_a_policy_and_bad_ones_are_refused() {
    String tenant = operator.createTenant("STANDARD");
    Api admin = operator.as(operator.createKey(tenant, "admin")[1]);
    assertThat(admin.get("/api/v1/tenants/" + tenant + "/routing-policy").status()).isEqualTo(200);
    AdminApiIT.assertProblem(
        admin.send(
            admin
                .request("/api/v1/tenants/" + tenant + "/routing-policy")
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"maxTier\":3}"))),
        403);
    AdminApiIT.assertProblem(putReply(tenant, "{\"maxTier\":7}"), 400);
    AdminApiIT.assertProblem(putReply(tenant, "{\"challengerShare\":150}"), 400);
    AdminApiIT.assertProblem(putReply(tenant, "{\"championModel\":\"local-extractive\"}"), 400);
    AdminApiIT.assertProblem(putReply(tenant, "{\"fallback\":\"SOMETIMES\"}"), 400);
  }

  static void put(String tenant, String json) {
    Reply r = putReply(tenant, json);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  static Reply putReply(String tenant, String json) {
    return operator.send(
        operator
            .request("/api/v1/tenants/" + tenant + "/routing-policy")
            .header("Content-Type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
  }
}
