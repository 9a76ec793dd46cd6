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

  static Reply ask(Api dev, String model, String question) {
    return dev.post(
        "/v1/chat/completions",
        "{\"model\":\""
            + model
            + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Passwords are reset from the"
            + " account page. Refunds take five days.\"},{\"role\":\"user\",\"content\":\""
            + question
            + "\"}]}");
  }

  @Test
  void tenant_aliases_and_small_first_escalation_pick_the_tier_the_request_needs() {
    String tenant = operator.createTenant("STANDARD");
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);
    // only the offline models (T0 local-extractive and this class's T1 local-alt) are routable
    put(
        tenant,
        "{\"allowedRegions\":[\"local\"],\"aliases\":{\"support-bot\":\"fast\",\"deep\":\"smart\","
            + "\"pinned\":\"local-alt-"
            + TAG
            + "\"}}");
    assertThat(ask(dev, "support-bot", "How do I reset my password?").header("x-tessera-model"))
        .isEqualTo("local-extractive");
    assertThat(ask(dev, "deep", "How do I reset my password?").header("x-tessera-model"))
        .isEqualTo("local-alt-" + TAG);
    assertThat(ask(dev, "pinned", "hi").header("x-tessera-model")).isEqualTo("local-alt-" + TAG);
    // auto: a short classification stays on T0, an analysis escalates to T1
    assertThat(
            ask(dev, "auto", "Classify this ticket as billing or account: refund late")
                .header("x-tessera-model"))
        .isEqualTo("local-extractive");
    Reply hard =
        ask(
            dev,
            "auto",
            "Analyze the trade-offs of resetting passwords step by step and design a plan");
    assertThat(hard.status()).as(hard.toString()).isEqualTo(200);
    assertThat(hard.header("x-tessera-model")).isEqualTo("local-alt-" + TAG);
    // another tenant's aliases mean nothing here
    Api other = developer("STANDARD");
    GatewayIT.assertOpenAiError(ask(other, "support-bot", "hi"), 404);
    // an alias may not shadow a model or built-in alias, nor point nowhere
    AdminApiIT.assertProblem(putReply(tenant, "{\"aliases\":{\"auto\":\"fast\"}}"), 400);
    AdminApiIT.assertProblem(
        putReply(tenant, "{\"aliases\":{\"local-extractive\":\"fast\"}}"), 400);
    AdminApiIT.assertProblem(putReply(tenant, "{\"aliases\":{\"x\":\"no-such-model\"}}"), 400);
    AdminApiIT.assertProblem(putReply(tenant, "{\"aliases\":{\"bad name!\":\"fast\"}}"), 400);
    AdminApiIT.assertProblem(putReply(tenant, "{\"maxLatencyMs\":0}"), 400);
  }

  @Test
  void a_request_too_long_for_the_named_model_is_refused_as_openai_does() {
    Api dev = developer("STANDARD");
    Reply r =
        dev.post(
            "/v1/chat/completions",
            "{\"model\":\"local-extractive\",\"max_tokens\":40000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    GatewayIT.assertOpenAiError(r, 400);
    assertThat(r.json().getJsonObject("error").getString("code"))
        .isEqualTo("context_length_exceeded");
    assertThat(r.json().getJsonObject("error").getString("param")).isEqualTo("messages");
  }

  @Test
  void the_semantic_cache_answers_paraphrases_for_the_tenant_that_opted_in_only() {
    String tenant = operator.createTenant("STANDARD");
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);
    String policy =
        "{\"allowedRegions\":[\"local\"],\"semanticCache\":{\"threshold\":0.9,\"ttlSeconds\":600}}";
    put(tenant, policy);
    Reply first = ask(dev, "local-extractive", "How do I reset my password?");
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.header("x-tessera-cache")).isEqualTo("miss");
    Reply paraphrase = ask(dev, "local-extractive", "How can I reset my password?");
    assertThat(paraphrase.status()).as(paraphrase.toString()).isEqualTo(200);
    assertThat(paraphrase.header("x-tessera-cache")).isEqualTo("semantic");
    assertThat(paraphrase.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message"))
        .isEqualTo(first.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message"));
    assertThat(paraphrase.json().getString("id")).isNotEqualTo(first.json().getString("id"));
    // a different question is not close enough
    assertThat(ask(dev, "local-extractive", "How long do refunds take?").header("x-tessera-cache"))
        .isEqualTo("miss");
    // another tenant with the same policy and the same question never sees this tenant's entry
    String otherTenant = operator.createTenant("STANDARD");
    Api other = operator.as(operator.createKey(otherTenant, "inference")[1]);
    put(otherTenant, policy);
    assertThat(
            ask(other, "local-extractive", "How can I reset my password?")
                .header("x-tessera-cache"))
        .isEqualTo("miss");
    // a tenant that did not opt in never gets a semantic answer
    Api plain = developer("STANDARD");
    ask(plain, "local-extractive", "How do I reset my password?");
    assertThat(
            ask(plain, "local-extractive", "How can I reset my password?")
                .header("x-tessera-cache"))
        .isEqualTo("miss");
    AdminApiIT.assertProblem(
        putReply(tenant, "{\"semanticCache\":{\"threshold\":0.2,\"ttlSeconds\":60}}"), 400);
    AdminApiIT.assertProblem(
        putReply(tenant, "{\"semanticCache\":{\"threshold\":0.9,\"ttlSeconds\":0}}"), 400);
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
