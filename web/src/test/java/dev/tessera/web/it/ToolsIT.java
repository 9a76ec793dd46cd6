package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tessera.web.it.Api.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Typed tools over real HTTP and PostgreSQL: schema violations are 400, dry runs change nothing,
 * idempotency keys run once, undo restores the previous state, a sensitive tool runs only with an
 * approval by another admin, and HTTP tools are signed like webhooks.
 */
class ToolsIT {
  static Platform platform;
  static Api operator;
  static WireMockServer endpoint;

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
    endpoint = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    endpoint.start();
  }

  @AfterAll
  static void stop() {
    endpoint.stop();
  }

  static Api key(String tenant, String scope) {
    return operator.as(operator.createKey(tenant, scope)[1]);
  }

  static Reply run(Api as, String tool, String body) {
    return as.post("/v1/tools/" + tool + "/executions", body);
  }

  @Test
  void a_builtin_tool_validates_previews_runs_once_per_key_and_undoes() {
    String tenant = operator.createTenant("STANDARD");
    Api admin = key(tenant, "admin");
    Api dev = key(tenant, "inference");
    Reply reg =
        admin.post(
            "/api/v1/tenants/" + tenant + "/tools",
            "{\"name\":\"flags.set\",\"description\":\"Sets a feature flag\",\"kind\":\"builtin\","
                + "\"builtin\":\"kv.set\",\"undoWindowSeconds\":300}");
    assertThat(reg.status()).as(reg.toString()).isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/api/v1/tenants/" + tenant + "/tools",
                    "{\"name\":\"flags.set\",\"kind\":\"builtin\",\"builtin\":\"kv.set\"}")
                .status())
        .isEqualTo(409);

    Reply bad = run(dev, "flags.set", "{\"arguments\":{\"key\":\"\",\"colour\":1}}");
    assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
    assertThat(bad.body()).contains("arguments");

    Reply dry =
        run(
            dev,
            "flags.set",
            "{\"dryRun\":true,\"arguments\":{\"key\":\"checkout\",\"value\":true}}");
    assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
    assertThat(dry.json().getString("status")).isEqualTo("dry_run");
    assertThat(dry.json().getString("preview")).contains("from (unset) to true");

    Reply first =
        run(
            dev,
            "flags.set",
            "{\"idempotencyKey\":\"k1\",\"arguments\":{\"key\":\"checkout\",\"value\":true}}");
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.json().getString("status")).isEqualTo("executed");
    Reply replay =
        run(
            dev,
            "flags.set",
            "{\"idempotencyKey\":\"k1\",\"arguments\":{\"value\":true,\"key\":\"checkout\"}}");
    assertThat(replay.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(
            run(
                    dev,
                    "flags.set",
                    "{\"idempotencyKey\":\"k1\",\"arguments\":{\"key\":\"checkout\",\"value\":false}}")
                .status())
        .isEqualTo(422);

    Reply second =
        run(dev, "flags.set", "{\"arguments\":{\"key\":\"checkout\",\"value\":{\"percent\":50}}}");
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.json().getString("preview")).contains("from true to {\"percent\":50}");

    Reply undone =
        dev.post(
            "/api/v1/tenants/"
                + tenant
                + "/tool-executions/"
                + second.json().getString("id")
                + "/undo",
            "");
    assertThat(undone.status()).as(undone.toString()).isEqualTo(200);
    assertThat(undone.json().getString("status")).isEqualTo("undone");
    // the previous state is back
    assertThat(
            run(
                    dev,
                    "flags.set",
                    "{\"dryRun\":true,\"arguments\":{\"key\":\"checkout\",\"value\":1}}")
                .json()
                .getString("preview"))
        .contains("from true to 1");
    // once only
    assertThat(
            dev.post(
                    "/api/v1/tenants/"
                        + tenant
                        + "/tool-executions/"
                        + second.json().getString("id")
                        + "/undo",
                    "")
                .status())
        .isEqualTo(409);
    // another tenant sees nothing of it
    Api stranger = key(operator.createTenant("STANDARD"), "admin");
    assertThat(
            stranger
                .get(
                    "/api/v1/tenants/"
                        + tenant
                        + "/tool-executions/"
                        + first.json().getString("id"))
                .status())
        .isEqualTo(404);
    assertThat(run(stranger, "flags.set", "{\"arguments\":{\"key\":\"x\",\"value\":1}}").status())
        .isEqualTo(404);
  }

  @Test
  void a_sensitive_tool_needs_an_approval_by_another_admin() {
    String tenant = operator.createTenant("STANDARD");
    Api maker = key(tenant, "admin");
    Api checker = key(tenant, "admin");
    assertThat(
            maker
                .post(
                    "/api/v1/tenants/" + tenant + "/tools",
                    "{\"name\":\"limits.raise\",\"kind\":\"builtin\",\"builtin\":\"kv.set\","
                        + "\"sensitive\":true,\"roles\":[\"TENANT_ADMIN\"]}")
                .status())
        .isEqualTo(201);
    String args = "{\"key\":\"limit\",\"value\":1000}";
    Reply direct = run(maker, "limits.raise", "{\"arguments\":" + args + "}");
    assertThat(direct.status()).as(direct.toString()).isEqualTo(403);
    assertThat(direct.body()).contains("approval");
    // role gate: an inference key may not even ask
    assertThat(
            run(key(tenant, "inference"), "limits.raise", "{\"arguments\":" + args + "}").status())
        .isEqualTo(403);

    Reply asked = maker.post("/v1/tools/limits.raise/approvals", "{\"arguments\":" + args + "}");
    assertThat(asked.status()).as(asked.toString()).isEqualTo(201);
    assertThat(asked.json().getString("status")).isEqualTo("pending_approval");
    String approval = asked.json().getString("id");
    String approve = "/api/v1/tenants/" + tenant + "/tool-executions/" + approval + "/approve";
    assertThat(maker.post(approve, "").status()).as("the maker is not the checker").isEqualTo(403);
    Reply approved = checker.post(approve, "");
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    assertThat(approved.json().getString("status")).isEqualTo("approved");

    assertThat(
            run(
                    maker,
                    "limits.raise",
                    "{\"approvalId\":\""
                        + approval
                        + "\",\"arguments\":{\"key\":\"limit\",\"value\":99999}}")
                .status())
        .as("other arguments than approved")
        .isEqualTo(403);
    Reply ran =
        run(
            maker,
            "limits.raise",
            "{\"approvalId\":\"" + approval + "\",\"arguments\":" + args + "}");
    assertThat(ran.status()).as(ran.toString()).isEqualTo(201);
    assertThat(ran.json().getString("status")).isEqualTo("executed");
    assertThat(ran.json().getString("approvedBy")).startsWith("key:");
    assertThat(
            run(
                    maker,
                    "limits.raise",
                    "{\"approvalId\":\"" + approval + "\",\"arguments\":" + args + "}")
                .status())
        .as("an approval is used once")
        .isEqualTo(409);
  }

  @Test
  void an_http_tool_is_called_signed_like_a_webhook_and_undone_at_its_undo_endpoint()
      throws Exception {
    endpoint.stubFor(
        post(urlEqualTo("/tickets"))
            .willReturn(aResponse().withStatus(200).withBody("{\"ticket\":\"T-1\"}")));
    endpoint.stubFor(post(urlEqualTo("/tickets/undo")).willReturn(aResponse().withStatus(204)));
    String tenant = operator.createTenant("STANDARD");
    Api admin = key(tenant, "admin");
    Reply reg =
        admin.post(
            "/api/v1/tenants/" + tenant + "/tools",
            "{\"name\":\"ticket.open\",\"kind\":\"http\",\"url\":\""
                + endpoint.baseUrl()
                + "/tickets\",\"undoUrl\":\""
                + endpoint.baseUrl()
                + "/tickets/undo\",\"undoWindowSeconds\":60,\"argumentsSchema\":{\"type\":\"object\","
                + "\"properties\":{\"title\":{\"type\":\"string\"}},\"required\":[\"title\"]}}");
    assertThat(reg.status()).as(reg.toString()).isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/api/v1/tenants/" + tenant + "/tools",
                    "{\"name\":\"meta\",\"kind\":\"http\",\"url\":\"http://169.254.169.254/latest\","
                        + "\"argumentsSchema\":{}}")
                .status())
        .as("cloud metadata is never a tool")
        .isEqualTo(400);

    Reply ran = run(admin, "ticket.open", "{\"arguments\":{\"title\":\"Printer on fire\"}}");
    assertThat(ran.status()).as(ran.toString()).isEqualTo(201);
    assertThat(ran.json().getString("result")).contains("T-1");
    List<LoggedRequest> calls = endpoint.findAll(postRequestedFor(urlEqualTo("/tickets")));
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).getBodyAsString()).contains("Printer on fire");
    String secret =
        admin.get("/api/v1/tenants/" + tenant + "/webhook-secret").json().getString("secret");
    assertThat(WebhookSignatures.verified(calls.get(0), secret)).isTrue();

    Reply undone =
        admin.post(
            "/api/v1/tenants/"
                + tenant
                + "/tool-executions/"
                + ran.json().getString("id")
                + "/undo",
            "");
    assertThat(undone.status()).as(undone.toString()).isEqualTo(200);
    assertThat(endpoint.findAll(postRequestedFor(urlEqualTo("/tickets/undo")))).hasSize(1);
  }
}
