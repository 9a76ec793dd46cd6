package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tessera.web.it.Api.Reply;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model catalog end to end: the operator registers a provider (a mock that speaks OpenAI's wire
 * format) and a model; tenants call it through /v1; its credential is stored encrypted and reaches
 * the provider only on the wire.
 */
class CatalogIT {
  static Platform platform;
  static Api operator;
  static WireMockServer upstream;

  static final String COMPLETION =
      "{\"id\":\"chatcmpl-up\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello from upstream\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}";

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
  }

  @AfterAll
  static void stop() {
    // the catalog is platform-wide: leave no test model behind for other test classes to route to
    for (var p : operator.get("/api/v1/providers").json().getJsonArray("data")) {
      String url = p.asJsonObject().getString("baseUrl");
      if (url.startsWith(upstream.baseUrl())) {
        operator.delete("/api/v1/providers/" + p.asJsonObject().getString("id"));
      }
    }
    upstream.stop();
  }

  @Test
  void a_registered_provider_serves_its_model_with_an_encrypted_credential() throws Exception {
    upstream.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .willReturn(
                aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION)));
    String secret = "sk-upstream-" + System.nanoTime();
    Reply provider =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\"mock-openai-"
                + System.nanoTime()
                + "\",\"kind\":\"openai\",\"baseUrl\":\""
                + upstream.baseUrl()
                + "/v1\",\"apiKey\":\""
                + secret
                + "\"}");
    assertThat(provider.status()).as(provider.toString()).isEqualTo(201);
    assertThat(provider.body()).doesNotContain(secret);
    assertThat(provider.json().getBoolean("hasCredential")).isTrue();
    String model = "mock-mini-" + System.nanoTime();
    Reply added =
        operator.post(
            "/api/v1/models",
            "{\"name\":\""
                + model
                + "\",\"providerId\":\""
                + provider.json().getString("id")
                + "\",\"upstreamName\":\"gpt-4o-mini\",\"tier\":1,\"inputPricePerMillion\":150000,"
                + "\"outputPricePerMillion\":600000,\"capabilities\":[\"tools\",\"json\"]}");
    assertThat(added.status()).as(added.toString()).isEqualTo(201);

    String tenant = operator.createTenant("STANDARD");
    // a priced model: the tenant needs credits for the call's worst case
    assertThat(
            operator
                .post(
                    "/api/v1/tenants/" + tenant + "/credits",
                    "{\"type\":\"GRANT\",\"amount\":10000000,\"reason\":\"test\"}")
                .status())
        .isEqualTo(201);
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);
    Reply r =
        dev.post(
            "/v1/chat/completions",
            "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("x-tessera-model")).isEqualTo(model);
    assertThat(
            r.json()
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .isEqualTo("Hello from upstream");
    upstream.verify(
        postRequestedFor(urlEqualTo("/v1/chat/completions"))
            .withHeader("Authorization", equalTo("Bearer " + secret))
            .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini"))));

    try (Connection c = platform.superuser(Platform.DATABASE);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM platform.providers WHERE position('"
                    + secret
                    + "' in encode(credential_ciphertext, 'escape')) > 0")) {
      rs.next();
      assertThat(rs.getLong(1)).as("plaintext credential at rest").isZero();
    }
    Reply models = dev.get("/v1/models");
    assertThat(models.body()).contains(model);
  }

  static Reply putKey(Api as, String tenant, String providerId, String apiKey) {
    return as.send(
        as.request("/api/v1/tenants/" + tenant + "/provider-keys/" + providerId)
            .header("Content-Type", "application/json")
            .PUT(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    "{\"apiKey\":\"" + apiKey + "\"}")));
  }

  @Test
  void a_tenant_that_brings_its_own_key_calls_the_provider_with_it_and_no_one_else_does() {
    String model = "byok-mini-" + System.nanoTime();
    upstream.stubFor(
        post(urlEqualTo("/byok/v1/chat/completions"))
            .willReturn(
                aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION)));
    Reply provider =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\"byok-"
                + System.nanoTime()
                + "\",\"kind\":\"openai\",\"baseUrl\":\""
                + upstream.baseUrl()
                + "/byok/v1\",\"apiKey\":\"sk-platform\"}");
    assertThat(provider.status()).as(provider.toString()).isEqualTo(201);
    String providerId = provider.json().getString("id");
    assertThat(
            operator
                .post(
                    "/api/v1/models",
                    "{\"name\":\""
                        + model
                        + "\",\"providerId\":\""
                        + providerId
                        + "\",\"upstreamName\":\"gpt-4o-mini\",\"tier\":1}")
                .status())
        .isEqualTo(201);
    String own = operator.createTenant("STANDARD");
    Api ownAdmin = operator.as(operator.createKey(own, "admin")[1]);
    String other = operator.createTenant("STANDARD");
    Api otherAdmin = operator.as(operator.createKey(other, "admin")[1]);

    String secret = "sk-tenant-" + System.nanoTime() + "-wxyz";
    Reply set = putKey(ownAdmin, own, providerId, secret);
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    assertThat(set.body()).doesNotContain(secret).contains("wxyz");
    assertThat(ownAdmin.get("/api/v1/tenants/" + own + "/provider-keys").body())
        .contains(providerId)
        .doesNotContain(secret);
    // another tenant can neither see nor set this tenant's keys
    AdminApiIT.assertProblem(otherAdmin.get("/api/v1/tenants/" + own + "/provider-keys"), 404);
    AdminApiIT.assertProblem(putKey(otherAdmin, own, providerId, "sk-x"), 404);
    // bad input: an unknown provider, an empty key
    AdminApiIT.assertProblem(
        putKey(ownAdmin, own, java.util.UUID.randomUUID().toString(), "k"), 404);
    AdminApiIT.assertProblem(putKey(ownAdmin, own, providerId, ""), 400);

    String ask =
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    Api ownDev = operator.as(operator.createKey(own, "inference")[1]);
    Api otherDev = operator.as(operator.createKey(other, "inference")[1]);
    assertThat(ownDev.post("/v1/chat/completions", ask).status()).isEqualTo(200);
    assertThat(otherDev.post("/v1/chat/completions", ask).status()).isEqualTo(200);
    upstream.verify(
        1,
        postRequestedFor(urlEqualTo("/byok/v1/chat/completions"))
            .withHeader("Authorization", equalTo("Bearer " + secret)));
    upstream.verify(
        1,
        postRequestedFor(urlEqualTo("/byok/v1/chat/completions"))
            .withHeader("Authorization", equalTo("Bearer sk-platform")));

    // someone who can write the tables but not read the master key copies this tenant's sealed
    // key onto the other tenant's row: it is bound to its tenant and provider, so it never opens
    // there, and the other tenant's calls say what to do instead of using either key
    assertThat(putKey(otherAdmin, other, providerId, "sk-other-" + System.nanoTime()).status())
        .isEqualTo(200);
    try (Connection c = platform.superuser(Platform.DATABASE);
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "UPDATE public.provider_keys o SET credential_ciphertext = s.credential_ciphertext,"
                    + " credential_key_id = s.credential_key_id FROM public.provider_keys s"
                    + " WHERE s.tenant_id = ?::uuid AND s.provider_id = ?::uuid"
                    + " AND o.tenant_id = ?::uuid AND o.provider_id = ?::uuid")) {
      ps.setString(1, own);
      ps.setString(2, providerId);
      ps.setString(3, other);
      ps.setString(4, providerId);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    Reply moved = null;
    for (long until = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < until; ) {
      moved = otherDev.post("/v1/chat/completions", ask);
      if (moved.status() != 200) {
        break; // the other tenant's own key, until its 1 s cache expires
      }
    }
    assertThat(moved.status()).as(moved.toString()).isEqualTo(503);
    assertThat(moved.body()).contains("provider-keys/" + providerId).doesNotContain(secret);
    upstream.verify(
        1,
        postRequestedFor(urlEqualTo("/byok/v1/chat/completions"))
            .withHeader("Authorization", equalTo("Bearer " + secret)));

    // removed: the tenant is back on the platform's credential (within the 1 s key cache)
    assertThat(ownAdmin.delete("/api/v1/tenants/" + own + "/provider-keys/" + providerId).status())
        .isEqualTo(204);
    AdminApiIT.assertProblem(
        ownAdmin.delete("/api/v1/tenants/" + own + "/provider-keys/" + providerId), 404);
    long deadline = System.currentTimeMillis() + 10_000;
    int platformCalls = 1;
    while (System.currentTimeMillis() < deadline) {
      assertThat(ownDev.post("/v1/chat/completions", ask).status()).isEqualTo(200);
      platformCalls =
          upstream
              .findAll(
                  postRequestedFor(urlEqualTo("/byok/v1/chat/completions"))
                      .withHeader("Authorization", equalTo("Bearer sk-platform")))
              .size();
      if (platformCalls > 1) {
        break;
      }
    }
    assertThat(platformCalls).as("the tenant's calls use the platform key again").isGreaterThan(1);
  }

  @Test
  void an_upstream_failure_is_an_openai_shaped_error_not_a_500() {
    upstream.stubFor(
        post(urlEqualTo("/broken/chat/completions"))
            .willReturn(
                aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"boom\"}}")));
    Reply provider =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\"broken-"
                + System.nanoTime()
                + "\",\"kind\":\"openai\",\"baseUrl\":\""
                + upstream.baseUrl()
                + "/broken\",\"apiKey\":\"x\"}");
    String model = "broken-" + System.nanoTime();
    operator.post(
        "/api/v1/models",
        "{\"name\":\""
            + model
            + "\",\"providerId\":\""
            + provider.json().getString("id")
            + "\",\"tier\":1}");
    String tenant = operator.createTenant("STANDARD");
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);
    Reply r =
        dev.send(
            dev.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .header("x-tessera-fallback", "none")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\""
                            + model
                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
    GatewayIT.assertOpenAiError(r, 502);
  }

  @Test
  void falls_back_only_with_consent_and_a_breaker_stops_calling_a_dead_provider() {
    String tag = Long.toString(System.nanoTime());
    upstream.stubFor(
        post(urlEqualTo("/dead" + tag + "/chat/completions"))
            .willReturn(
                aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"down\"}}")));
    upstream.stubFor(
        post(urlEqualTo("/alive" + tag + "/chat/completions"))
            .willReturn(
                aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION)));
    String dead = addModel("dead-" + tag, "/dead" + tag, 2);
    String alive = addModel("alive-" + tag, "/alive" + tag, 2);
    String tenant = operator.createTenant("STANDARD");
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);
    String body =
        "{\"model\":\"" + dead + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    Reply refused = withFallback(dev, body, "none");
    GatewayIT.assertOpenAiError(refused, 502);
    int deadCalls =
        upstream
            .countRequestsMatching(
                postRequestedFor(urlEqualTo("/dead" + tag + "/chat/completions")).build())
            .getCount();
    assertThat(deadCalls).as("retried before giving up, then the breaker opened").isEqualTo(3);

    Reply rescued = withFallback(dev, body, "equivalent");
    assertThat(rescued.status()).as(rescued.toString()).isEqualTo(200);
    assertThat(rescued.header("x-tessera-model")).isEqualTo(alive);
    // the dead provider's breaker is open: the rescue did not call it again
    assertThat(
            upstream
                .countRequestsMatching(
                    postRequestedFor(urlEqualTo("/dead" + tag + "/chat/completions")).build())
                .getCount())
        .isEqualTo(deadCalls);
  }

  private static String addModel(String name, String path, int tier) {
    Reply provider =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\""
                + name
                + "\",\"kind\":\"openai\",\"baseUrl\":\""
                + upstream.baseUrl()
                + path
                + "\",\"apiKey\":\"k\"}");
    assertThat(provider.status()).as(provider.toString()).isEqualTo(201);
    Reply model =
        operator.post(
            "/api/v1/models",
            "{\"name\":\""
                + name
                + "\",\"providerId\":\""
                + provider.json().getString("id")
                + "\",\"tier\":"
                + tier
                + "}");
    assertThat(model.status()).as(model.toString()).isEqualTo(201);
    return name;
  }

  private static Reply withFallback(Api api, String body, String consent) {
    return api.send(
        api.request("/v1/chat/completions")
            .header("Content-Type", "application/json")
            .header("x-tessera-fallback", consent)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void catalog_input_is_validated_and_operator_only() {
    AdminApiIT.assertProblem(
        operator.post(
            "/api/v1/providers", "{\"name\":\"x\",\"kind\":\"nope\",\"baseUrl\":\"http://h\"}"),
        400);
    AdminApiIT.assertProblem(
        operator.post(
            "/api/v1/providers", "{\"name\":\"x\",\"kind\":\"openai\",\"baseUrl\":\"ftp://h\"}"),
        400);
    AdminApiIT.assertProblem(
        operator.post(
            "/api/v1/models",
            "{\"name\":\"m\",\"providerId\":\"" + java.util.UUID.randomUUID() + "\"}"),
        404);
    String tenant = operator.createTenant("STANDARD");
    Api tenantAdmin = operator.as(operator.createKey(tenant, "admin")[1]);
    AdminApiIT.assertProblem(tenantAdmin.get("/api/v1/providers"), 403);
  }
}
