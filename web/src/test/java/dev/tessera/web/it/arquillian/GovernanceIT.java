package dev.tessera.web.it.arquillian;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The prompt registry, decision log, feedback and golden evals in the container: one deployment (a
 * Payara Micro boot per class is the slow part), many behaviours.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.pg.port", matches = "\\d+")
class GovernanceIT {
  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.tessera();
  }

  @ArquillianResource URL deployed;

  private Http operator;
  private String tenant;
  private Http admin;
  private Http secondAdmin;

  @BeforeEach
  void tenantWithTwoAdmins() {
    operator = new Http(Http.loopback(deployed), Deployments.OPERATOR_TOKEN);
    tenant = Deployments.newTenant(operator);
    admin = operator.as(Deployments.newKey(operator, tenant, "admin"));
    secondAdmin = operator.as(Deployments.newKey(operator, tenant, "admin"));
  }

  private String prompts() {
    return "/api/v1/tenants/" + tenant + "/prompts";
  }

  /** A chat prompt answered by the offline model, with a required and an optional variable. */
  private void createPrompt(String name, String greeting) {
    Http.Reply r =
        admin.post(
            prompts(),
            "{\"name\":\""
                + name
                + "\",\"template\":[{\"role\":\"system\",\"content\":\""
                + greeting
                + " Refunds take {{days}} days.\"},{\"role\":\"user\",\"content\":\"{{question}}\"}],"
                + "\"variables\":[{\"name\":\"question\",\"type\":\"string\"},"
                + "{\"name\":\"days\",\"type\":\"number\",\"default\":\"30\"}],"
                + "\"config\":{\"model\":\"local-extractive\",\"temperature\":0},"
                + "\"message\":\"first\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private void addVersion(String name, String greeting) {
    Http.Reply r =
        admin.post(
            prompts() + "/" + name + "/versions",
            "{\"template\":[{\"role\":\"system\",\"content\":\""
                + greeting
                + " Refunds take {{days}} days.\"},{\"role\":\"user\",\"content\":\"{{question}}\"}],"
                + "\"variables\":[{\"name\":\"question\",\"type\":\"string\"},"
                + "{\"name\":\"days\",\"type\":\"number\",\"default\":\"30\"}],"
                + "\"config\":{\"model\":\"local-extractive\",\"temperature\":0}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private Http.Reply ask(Http as, String promptRef) {
    return as.post("/v1/chat/completions", "{\"prompt\":" + promptRef + ",\"max_tokens\":50}");
  }

  @Test
  void versions_are_numbered_labelled_and_diffed() {
    createPrompt("support", "You are kind.");
    addVersion("support", "You are brief.");
    JsonObject p = admin.get(prompts() + "/support").json();
    assertThat(p.getInt("latestVersion")).isEqualTo(2);
    assertThat(p.getJsonObject("labels").getInt("latest")).isEqualTo(2);
    Http.Reply diff = admin.get(prompts() + "/support/diff?from=1&to=2");
    assertThat(diff.status()).isEqualTo(200);
    assertThat(diff.body())
        .contains("--- support@1", "+++ support@2", "-You are kind.", "+You are brief.");
    // a label that is not protected moves at once
    Http.Reply moved = admin.put(prompts() + "/support/labels/staging", "{\"version\":2}");
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    assertThat(admin.get(prompts() + "/support").json().getJsonObject("labels").getInt("staging"))
        .isEqualTo(2);
    assertThat(admin.get(prompts() + "/support/versions").body()).contains("\"version\":2");
  }

  @Test
  void bad_prompts_are_refused_naming_the_field() {
    Http.Reply undeclared =
        admin.post(
            prompts(),
            "{\"name\":\"x\",\"template\":[{\"role\":\"user\",\"content\":\"{{who}}\"}]}");
    assertThat(undeclared.status()).isEqualTo(400);
    assertThat(undeclared.header("content-type")).startsWith("application/problem+json");
    assertThat(undeclared.body()).contains("who");
    assertThat(
            admin
                .post(prompts(), "{\"name\":\"bad name\",\"template\":\"hi\",\"kind\":\"text\"}")
                .status())
        .isEqualTo(400);
    assertThat(admin.post(prompts(), "{\"name\":\"y\",\"template\":\"hi\",\"colour\":1}").body())
        .contains("colour");
    assertThat(admin.post(prompts(), "{\"name\":\"z\",\"template\":[],\"config\":{}}").status())
        .isEqualTo(400);
    assertThat(
            admin
                .post(
                    prompts(),
                    "{\"name\":\"c\",\"template\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"config\":{\"modle\":\"x\"}}")
                .body())
        .contains("config.modle");
    createPrompt("dup", "Hi.");
    assertThat(
            admin
                .post(prompts(), "{\"name\":\"dup\",\"template\":\"hi\",\"kind\":\"text\"}")
                .status())
        .isEqualTo(409);
    assertThat(admin.get(prompts() + "/nope").status()).isEqualTo(404);
  }

  @Test
  void production_needs_a_second_admin_and_records_both() {
    createPrompt("refunds", "You are kind.");
    Http reader = operator.as(Deployments.newKey(operator, tenant, "read"));
    Http developer = operator.as(Deployments.newKey(operator, tenant, "inference"));
    String other = Deployments.newTenant(operator);
    Http stranger = operator.as(Deployments.newKey(operator, other, "admin"));

    assertThat(reader.put(prompts() + "/refunds/labels/production", "{\"version\":1}").status())
        .isEqualTo(403);
    Http.Reply proposed = admin.put(prompts() + "/refunds/labels/production", "{\"version\":1}");
    assertThat(proposed.status()).as(proposed.toString()).isEqualTo(202);
    String request = proposed.json().getJsonObject("pending").getString("id");
    String approve = prompts() + "/refunds/label-requests/" + request + "/approve";

    Http.Reply own = admin.post(approve, "{}");
    assertThat(own.status()).as(own.toString()).isEqualTo(403);
    assertThat(own.body()).contains("second person");
    assertThat(reader.post(approve, "{}").status()).isEqualTo(403);
    assertThat(developer.post(approve, "{}").status()).isEqualTo(403);
    assertThat(stranger.post(approve.replace(tenant, other), "{}").status()).isEqualTo(404);
    assertThat(stranger.get(prompts() + "/refunds").status()).isEqualTo(404);
    assertThat(
            admin
                .get(prompts() + "/refunds")
                .json()
                .getJsonObject("labels")
                .containsKey("production"))
        .isFalse();

    Http.Reply approved = secondAdmin.post(approve, "{}");
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    assertThat(approved.json().getBoolean("moved")).isTrue();
    assertThat(secondAdmin.post(approve, "{}").status()).isEqualTo(409);
    assertThat(
            admin.get(prompts() + "/refunds").json().getJsonObject("labels").getInt("production"))
        .isEqualTo(1);

    String audit =
        admin.get("/api/v1/tenants/" + tenant + "/audit/export?action=prompt.label.moved").body();
    assertThat(audit.lines()).hasSize(1);
    JsonObject moved =
        jakarta.json.Json.createReader(new java.io.StringReader(audit.strip())).readObject();
    assertThat(moved.getJsonObject("after").getString("by")).startsWith("key:");
    assertThat(moved.getString("actor")).isNotEqualTo(moved.getJsonObject("after").getString("by"));

    // rollback: production moves back where it was before its last move (here: nowhere)
    addVersion("refunds", "You are brief.");
    String second =
        admin
            .put(prompts() + "/refunds/labels/production", "{\"version\":2}")
            .json()
            .getJsonObject("pending")
            .getString("id");
    assertThat(
            secondAdmin
                .post(prompts() + "/refunds/label-requests/" + second + "/approve", "{}")
                .status())
        .isEqualTo(200);
    Http.Reply rolled = admin.post(prompts() + "/refunds/labels/production/rollback", null);
    assertThat(rolled.status()).as(rolled.toString()).isEqualTo(200);
    assertThat(rolled.json().getInt("toVersion")).isEqualTo(1);
    assertThat(
            admin.get(prompts() + "/refunds").json().getJsonObject("labels").getInt("production"))
        .isEqualTo(1);
  }

  @Test
  void concurrent_label_moves_leave_one_consistent_history() throws Exception {
    createPrompt("race", "One.");
    addVersion("race", "Two.");
    addVersion("race", "Three.");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Integer>> moves = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Http who = i % 2 == 0 ? admin : secondAdmin;
      int v = 1 + ThreadLocalRandom.current().nextInt(3);
      moves.add(
          pool.submit(
              () ->
                  who.put(prompts() + "/race/labels/canary", "{\"version\":" + v + "}").status()));
    }
    for (Future<Integer> f : moves) {
      assertThat(f.get()).isEqualTo(200);
    }
    pool.shutdown();
    int label = admin.get(prompts() + "/race").json().getJsonObject("labels").getInt("canary");
    try (Connection su = Deployments.superuser();
        Statement s = su.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT m.seq, m.from_version, m.to_version FROM public.prompt_label_moves m"
                    + " JOIN public.prompts p ON p.tenant_id = m.tenant_id AND p.id = m.prompt_id"
                    + " WHERE m.tenant_id = '"
                    + tenant
                    + "' AND p.name = 'race' AND m.label = 'canary' ORDER BY m.seq")) {
      Integer previous = null;
      int n = 0;
      while (rs.next()) {
        n++;
        assertThat(rs.getInt(1)).isEqualTo(n);
        assertThat((Integer) rs.getObject(2))
            .as("move " + n + " starts where the last ended")
            .isEqualTo(previous);
        previous = rs.getInt(3);
      }
      assertThat(n).isEqualTo(30);
      assertThat(previous).isEqualTo(label);
    }
  }

  @Test
  void model_calls_render_a_prompt_and_name_the_version_served() {
    createPrompt("faq", "You are kind.");
    admin.put(prompts() + "/faq/labels/staging", "{\"version\":1}");
    Http.Reply r =
        ask(
            admin,
            "{\"name\":\"faq\",\"label\":\"staging\",\"variables\":{\"question\":\"How long for refunds?\"}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("x-tessera-prompt")).isEqualTo("faq");
    assertThat(r.header("x-tessera-prompt-version")).isEqualTo("1");
    assertThat(r.header("x-tessera-prompt-label")).isEqualTo("staging");
    assertThat(r.header("x-tessera-model")).isEqualTo("local-extractive");
    assertThat(r.body()).contains("30 days");

    Http.Reply byVersion =
        ask(
            admin,
            "{\"name\":\"faq\",\"version\":1,\"variables\":{\"question\":\"How long for refunds?\",\"days\":14}}");
    assertThat(byVersion.status()).as(byVersion.toString()).isEqualTo(200);
    assertThat(byVersion.body()).contains("14 days");

    Http.Reply missing = ask(admin, "{\"name\":\"faq\",\"label\":\"staging\",\"variables\":{}}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("question");
    Http.Reply extra =
        ask(
            admin,
            "{\"name\":\"faq\",\"label\":\"staging\",\"variables\":{\"question\":\"q\",\"tone\":\"x\"}}");
    assertThat(extra.status()).isEqualTo(400);
    assertThat(extra.body()).contains("tone");
    Http.Reply wrongType =
        ask(
            admin,
            "{\"name\":\"faq\",\"version\":1,\"variables\":{\"question\":\"q\",\"days\":\"soon\"}}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.body()).contains("days");
    assertThat(ask(admin, "{\"name\":\"faq\",\"label\":\"staging\",\"version\":1}").status())
        .isEqualTo(400);
    assertThat(ask(admin, "{\"name\":\"nope\",\"version\":1,\"variables\":{}}").status())
        .isEqualTo(404);

    // the label moves: the next call is served the new version (the cached one was evicted)
    addVersion("faq", "You are brief.");
    assertThat(admin.put(prompts() + "/faq/labels/staging", "{\"version\":2}").status())
        .isEqualTo(200);
    Http.Reply after =
        ask(admin, "{\"name\":\"faq\",\"label\":\"staging\",\"variables\":{\"question\":\"q\"}}");
    assertThat(after.header("x-tessera-prompt-version")).isEqualTo("2");
  }

  @Test
  void a_traffic_split_serves_both_labels() {
    createPrompt("split", "You are kind.");
    addVersion("split", "You are brief.");
    admin.put(prompts() + "/split/labels/stable", "{\"version\":1}");
    admin.put(prompts() + "/split/labels/trial", "{\"version\":2}");
    Http.Reply set =
        admin.put(
            prompts() + "/split/traffic",
            "{\"champion\":\"stable\",\"challenger\":\"trial\",\"challengerPercent\":50}");
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    Set<String> served = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      served.add(
          ask(
                  admin,
                  "{\"name\":\"split\",\"variables\":{\"question\":\"q"
                      + UUID.randomUUID()
                      + "\"}}")
              .header("x-tessera-prompt-version"));
    }
    assertThat(served).containsExactlyInAnyOrder("1", "2");
    assertThat(
            admin
                .put(
                    prompts() + "/split/traffic",
                    "{\"champion\":\"stable\",\"challenger\":\"missing\",\"challengerPercent\":5}")
                .status())
        .isEqualTo(400);
  }

  private JsonObject decision(Http as, String requestId) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      Http.Reply r = as.get("/api/v1/tenants/" + tenant + "/decisions/" + requestId);
      if (r.status() == 200) {
        return r.json();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no decision recorded for " + requestId);
  }

  private static String chat(String content, boolean stream, String model) {
    return "{\"model\":\""
        + model
        + "\",\"temperature\":0,\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + content
        + "\"}]}";
  }

  @Test
  void every_kind_of_call_leaves_a_decision() throws Exception {
    String question = "Refunds take 30 days. How long? " + UUID.randomUUID();
    Http.Reply first =
        admin.post("/v1/chat/completions", chat(question, false, "local-extractive"));
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    Http.Reply cached =
        admin.post("/v1/chat/completions", chat(question, false, "local-extractive"));
    assertThat(cached.header("x-tessera-cache")).isEqualTo("hit");
    Http.Reply streamed =
        admin.post("/v1/chat/completions", chat(question + " again", true, "local-extractive"));
    assertThat(streamed.status()).isEqualTo(200);
    assertThat(streamed.body()).contains("[DONE]");
    Http.Reply failed = admin.post("/v1/chat/completions", chat(question, false, "no-such-model"));
    assertThat(failed.status()).isEqualTo(404);

    JsonObject a = decision(admin, first.header("x-request-id"));
    assertThat(a.getString("outcome")).isEqualTo("ok");
    assertThat(a.getString("modelServed")).isEqualTo("local-extractive");
    assertThat(a.getString("cache")).isEqualTo("miss");
    assertThat(a.getString("input")).contains(question);
    assertThat(a.getString("inputSha256")).hasSize(64);
    assertThat(a.getString("route")).isEqualTo("primary");
    assertThat(decision(admin, cached.header("x-request-id")).getString("cache")).isEqualTo("hit");
    JsonObject s = decision(admin, streamed.header("x-request-id"));
    assertThat(s.getBoolean("streamed")).isTrue();
    assertThat(s.getString("outcome")).isEqualTo("ok");
    // decisions are written off the request path: the failed call's may still be on its way
    Http.Reply errors = admin.get("/api/v1/tenants/" + tenant + "/decisions?outcome=error");
    for (int i = 0; i < 100 && errors.json().getJsonArray("data").isEmpty(); i++) {
      Thread.sleep(100);
      errors = admin.get("/api/v1/tenants/" + tenant + "/decisions?outcome=error");
    }
    assertThat(errors.json().getJsonArray("data")).hasSize(1);
    JsonObject f = errors.json().getJsonArray("data").getJsonObject(0);
    assertThat(f.getString("outcome")).isEqualTo("error");
    assertThat(f.getString("modelRequested")).isEqualTo("no-such-model");

    Http.Reply byModel =
        admin.get("/api/v1/tenants/" + tenant + "/decisions?model=local-extractive&limit=1");
    assertThat(byModel.json().getJsonArray("data")).hasSize(1);
    assertThat(byModel.json().getString("nextCursor")).isNotNull();
    String other = Deployments.newTenant(operator);
    Http stranger = operator.as(Deployments.newKey(operator, other, "admin"));
    assertThat(
            stranger
                .get("/api/v1/tenants/" + tenant + "/decisions/" + first.header("x-request-id"))
                .status())
        .isEqualTo(404);
  }

  @Test
  void store_no_prompts_keeps_no_prompt_text_anywhere() throws Exception {
    Http.Reply set =
        admin.put("/api/v1/tenants/" + tenant + "/governance-settings", "{\"storePrompts\":false}");
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    String marker = "zebra" + UUID.randomUUID().toString().replace("-", "");
    Http.Reply r =
        admin.post(
            "/v1/chat/completions",
            chat("My secret is " + marker + ".", false, "local-extractive"));
    assertThat(r.status()).isEqualTo(200);
    JsonObject d = decision(admin, r.header("x-request-id"));
    assertThat(d.containsKey("input") && !d.isNull("input")).isFalse();
    assertThat(d.getString("inputSha256")).hasSize(64);
    try (Connection su = Deployments.superuser();
        Statement s = su.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)"
                  + " FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                  + " AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertThat(tables).contains("public.decision_log");
      for (String t : tables) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM " + t + " x WHERE x::text LIKE '%" + marker + "%'")) {
          rs.next();
          assertThat(rs.getLong(1)).as("rows of " + t + " holding the prompt").isZero();
        }
      }
    }
  }

  @Test
  void feedback_is_for_the_same_tenant_and_adds_up_per_version_and_model() throws Exception {
    createPrompt("fb", "You are kind.");
    Http.Reply r = ask(admin, "{\"name\":\"fb\",\"version\":1,\"variables\":{\"question\":\"q\"}}");
    assertThat(r.status()).isEqualTo(200);
    String id = r.header("x-request-id");
    Http.Reply up =
        admin.post(
            "/v1/feedback",
            "{\"request_id\":\""
                + id
                + "\",\"score\":\"up\",\"comment\":\"good\",\"tags\":[\"faq\"]}");
    assertThat(up.status()).as(up.toString()).isEqualTo(201);
    assertThat(admin.post("/v1/feedback", "{\"request_id\":\"" + id + "\",\"score\":4}").status())
        .isEqualTo(201);
    assertThat(admin.post("/v1/feedback", "{\"request_id\":\"" + id + "\",\"score\":9}").status())
        .isEqualTo(400);
    String other = Deployments.newTenant(operator);
    Http stranger = operator.as(Deployments.newKey(operator, other, "inference"));
    Http.Reply foreign =
        stranger.post("/v1/feedback", "{\"request_id\":\"" + id + "\",\"score\":\"down\"}");
    assertThat(foreign.status()).isEqualTo(404);
    JsonObject summary =
        jakarta.json.Json.createReader(
                new java.io.StringReader(
                    admin.get("/api/v1/tenants/" + tenant + "/feedback/summary").body()))
            .readArray()
            .getJsonObject(0);
    assertThat(summary.getString("promptName")).isEqualTo("fb");
    assertThat(summary.getInt("promptVersion")).isEqualTo(1);
    assertThat(summary.getString("model")).isEqualTo("local-extractive");
    assertThat(summary.getInt("count")).isEqualTo(2);
    assertThat(summary.getInt("thumbsUp")).isEqualTo(1);
    assertThat(summary.getJsonNumber("averageRating").doubleValue()).isEqualTo(4.0);
  }

  private JsonObject awaitRun(String prompt, String runId) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      JsonObject run = admin.get(prompts() + "/" + prompt + "/eval-runs/" + runId).json();
      if (!run.getString("status").equals("RUNNING")) {
        return run;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("eval run " + runId + " did not finish");
  }

  @Test
  void an_eval_regression_blocks_promotion_unless_overridden_with_a_reason() throws Exception {
    createPrompt("gated", "Refunds are accepted within 30 days.");
    String first =
        admin
            .put(prompts() + "/gated/labels/production", "{\"version\":1}")
            .json()
            .getJsonObject("pending")
            .getString("id");
    assertThat(
            secondAdmin
                .post(prompts() + "/gated/label-requests/" + first + "/approve", "{}")
                .status())
        .isEqualTo(200);
    Http.Reply paris =
        admin.post(
            prompts() + "/gated/versions",
            "{\"template\":[{\"role\":\"system\",\"content\":\"Our shop is in Paris.\"},"
                + "{\"role\":\"user\",\"content\":\"{{question}}\"}],"
                + "\"variables\":[{\"name\":\"question\",\"type\":\"string\"}],"
                + "\"config\":{\"model\":\"local-extractive\",\"temperature\":0}}");
    assertThat(paris.status()).as(paris.toString()).isEqualTo(201);
    Http.Reply added =
        admin.post(
            prompts() + "/gated/eval-cases",
            "{\"name\":\"refund window\",\"variables\":{\"question\":\"How long do refunds take?\"},"
                + "\"expect\":{\"contains\":[\"30 days\"],\"maxTokens\":400}}");
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    for (int v = 1; v <= 2; v++) {
      Http.Reply started = admin.post(prompts() + "/gated/eval-runs", "{\"version\":" + v + "}");
      assertThat(started.status()).as(started.toString()).isEqualTo(202);
      assertThat(started.json().getInt("total")).isEqualTo(1);
      JsonObject run = awaitRun("gated", started.json().getString("id"));
      assertThat(run.getString("status")).isEqualTo("DONE");
      assertThat(run.getInt("done")).isEqualTo(1);
      assertThat(run.getInt("passRate")).as(run.toString()).isEqualTo(v == 1 ? 100 : 0);
    }
    String second =
        admin
            .put(prompts() + "/gated/labels/production", "{\"version\":2}")
            .json()
            .getJsonObject("pending")
            .getString("id");
    String approve = prompts() + "/gated/label-requests/" + second + "/approve";
    Http.Reply refused = secondAdmin.post(approve, "{}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.body()).contains("regression");
    assertThat(admin.get(prompts() + "/gated").json().getJsonObject("labels").getInt("production"))
        .isEqualTo(1);
    Http.Reply overridden =
        secondAdmin.post(approve, "{\"reason\":\"the Paris launch needs it today\"}");
    assertThat(overridden.status()).as(overridden.toString()).isEqualTo(200);
    String audit =
        admin
            .get("/api/v1/tenants/" + tenant + "/audit/export?action=prompt.label.approved")
            .body();
    assertThat(audit).contains("the Paris launch needs it today");
  }
}
