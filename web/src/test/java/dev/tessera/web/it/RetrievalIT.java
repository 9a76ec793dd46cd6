package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.web.it.Api.Reply;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retrieval end to end on the shared platform: ingestion through the durable queue, permissioned
 * hybrid search (the ACL inside the query: same page size, nothing restricted), cited answers and
 * refusals, versioning and deletes that take effect at once, tenant isolation, limits, and an index
 * that matches PostgreSQL after kill -9.
 */
class RetrievalIT {
  static Platform platform;
  static Api operator;
  static String tenant;
  static Api admin;
  static Api outsider; // an inference key outside the "legal" group
  static Api insider; // an inference key in it
  static Api other; // another tenant's admin key
  static String kb;
  static String secretDoc;
  static final String SECRET =
      "# Project Bluebird\n\nProject Bluebird is the acquisition of Nordwind Logistics for 41 million euros.\n\n"
          + "## Timeline\n\nThe Bluebird acquisition closes on 30 June after the works council agrees.\n";
  static final String[] TOPICS = {
    "Travel expenses are reimbursed within 14 days when the receipt is uploaded.",
    "Train travel is preferred over flights for trips under 600 kilometres.",
    "Hotel bookings above 150 euros per night need a manager's approval.",
    "The office opens at 8 and closes at 18 on weekdays.",
    "Visitors register at the front desk and wear a badge at all times.",
    "Laptops are replaced every four years by the IT service desk.",
    "Passwords must be at least 14 characters and are never shared.",
    "Parental leave is 16 weeks, paid in full, for every parent.",
    "Employees may work from home three days a week.",
    "The cafeteria serves vegetarian meals every day.",
    "Security incidents are reported to the on-call team within one hour.",
    "Acquisitions and mergers are announced by the communications team.",
  };

  @BeforeAll
  static void start() throws Exception {
    platform = Platform.get();
    operator = platform.operator();
    tenant = operator.createTenant("STANDARD");
    admin = operator.as(operator.createKey(tenant, "admin")[1]);
    outsider = operator.as(operator.createKey(tenant, "inference")[1]);
    String[] in = operator.createKey(tenant, "inference");
    insider = operator.as(in[1]);
    other =
        operator.as(operator.createKey(operator.createTenant("STANDARD"), "admin", "inference")[1]);
    Reply g = put(admin, "/v1/retrieval/groups/legal", "{\"members\":[\"key:" + in[0] + "\"]}");
    assertThat(g.status()).as(g.toString()).isEqualTo(200);

    Reply created =
        admin.post(
            "/v1/retrieval/knowledge_bases",
            "{\"name\":\"handbook\",\"weights\":{\"bm25\":1,\"dense\":1}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    kb = created.json().getString("id");
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < TOPICS.length; i++) {
      docs.add(upload("policy-" + i + ".txt", TOPICS[i], null));
    }
    secretDoc = upload("bluebird.md", SECRET, "{\"groups\":[\"legal\"]}", "text/markdown");
    docs.add(secretDoc);
    for (String d : docs) {
      awaitStatus(d, "ready");
    }
  }

  static Reply put(Api api, String path, String json) {
    return api.send(
        api.request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  static String upload(String title, String text, String acl) {
    return upload(title, text, acl, "text/plain");
  }

  static String upload(String title, String text, String acl, String type) {
    String body =
        Json.createObjectBuilder()
            .add("title", title)
            .add("text", text)
            .add("media_type", type)
            .add(
                "acl",
                acl == null
                    ? JsonValue.NULL
                    : Json.createReader(new java.io.StringReader(acl)).readObject())
            .build()
            .toString();
    if (acl == null) {
      body = body.replace(",\"acl\":null", "");
    }
    Reply r = admin.post("/v1/retrieval/knowledge_bases/" + kb + "/documents", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    assertThat(r.json().getString("status")).isEqualTo("queued");
    return r.json().getString("id");
  }

  static JsonObject awaitStatus(String doc, String status) throws Exception {
    return awaitStatus(admin, kb, doc, status);
  }

  static JsonObject awaitStatus(Api api, String kbId, String doc, String status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      Reply r = api.get("/v1/retrieval/knowledge_bases/" + kbId + "/documents/" + doc);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      last = r.json();
      if (last.getString("status").equals(status)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("document never became " + status + ": " + last);
  }

  static JsonObject search(Api as, String query, int n) {
    Reply r =
        as.post(
            "/v1/retrieval/search",
            "{\"query\":\""
                + query
                + "\",\"knowledge_bases\":[\""
                + kb
                + "\"],\"max_num_results\":"
                + n
                + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static Set<String> files(JsonObject page) {
    Set<String> out = new HashSet<>();
    page.getJsonArray("data").forEach(v -> out.add(v.asJsonObject().getString("file_id")));
    return out;
  }

  @Test
  void a_reader_without_access_never_sees_the_restricted_document_and_gets_a_full_page() {
    for (String mode : List.of("hybrid", "bm25", "dense")) {
      Reply r =
          outsider.post(
              "/v1/retrieval/search",
              "{\"query\":\"Bluebird acquisition Nordwind\",\"mode\":\""
                  + mode
                  + "\",\"knowledge_bases\":[\""
                  + kb
                  + "\"],\"max_num_results\":5}");
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      if (!mode.equals("bm25")) {
        // the same page size either way: nothing the reader may not see takes a place in it
        assertThat(r.json().getJsonArray("data")).as(mode).hasSize(5);
      }
      assertThat(files(r.json())).as(mode).doesNotContain(secretDoc);
      assertThat(r.json().getJsonArray("data").toString()).doesNotContain("Nordwind");
    }
    JsonObject in = search(insider, "Bluebird acquisition Nordwind", 5);
    assertThat(in.getJsonArray("data")).hasSize(5);
    assertThat(in.getJsonArray("data").getJsonObject(0).getString("file_id")).isEqualTo(secretDoc);

    // answers and their citations: refused or answered from what the reader may read only
    Reply refused =
        outsider.post(
            "/v1/retrieval/answer",
            "{\"query\":\"How much does the Nordwind Logistics acquisition cost?\",\"knowledge_bases\":[\""
                + kb
                + "\"],\"model\":\"local-extractive\"}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(200);
    assertThat(refused.body()).doesNotContain(secretDoc).doesNotContain("41 million");
  }

  @Test
  void answers_cite_real_character_ranges_and_say_how_fresh_they_are() {
    Reply r =
        insider.post(
            "/v1/retrieval/answer",
            "{\"query\":\"How much does the Nordwind Logistics acquisition cost?\",\"knowledge_bases\":[\""
                + kb
                + "\"],\"model\":\"local-extractive\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonObject a = r.json();
    assertThat(a.getBoolean("refused")).as(r.toString()).isFalse();
    assertThat(a.getString("answer")).contains("41 million");
    assertThat(a.getJsonArray("citations")).isNotEmpty();
    for (JsonValue v : a.getJsonArray("citations")) {
      JsonObject c = v.asJsonObject();
      String doc = c.getString("document_id");
      Reply text = admin.get("/v1/retrieval/knowledge_bases/" + kb + "/documents/" + doc + "/text");
      assertThat(text.status()).isEqualTo(200);
      assertThat(text.body().substring(c.getInt("start_char"), c.getInt("end_char")))
          .isEqualTo(c.getString("quote"));
      if (doc.equals(secretDoc)) {
        assertThat(SECRET.substring(c.getInt("start_char"), c.getInt("end_char")))
            .isEqualTo(c.getString("quote"));
        assertThat(c.getString("section")).startsWith("Project Bluebird");
      }
    }
    assertThat(a.getJsonObject("freshness").getString("newest_source_updated_at")).isNotEmpty();
    assertThat(a.getJsonArray("sentences").getJsonObject(0).getBoolean("supported")).isTrue();
  }

  @Test
  void an_unrelated_question_is_refused_with_a_stable_reason() {
    Reply r =
        insider.post(
            "/v1/retrieval/answer",
            "{\"query\":\"What is the boiling point of liquid nitrogen on Venus?\",\"knowledge_bases\":[\""
                + kb
                + "\"],\"model\":\"local-extractive\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonObject a = r.json();
    assertThat(a.getBoolean("refused")).as(r.toString()).isTrue();
    assertThat(a.getJsonObject("refusal").getString("reason")).isEqualTo("insufficient_evidence");
    assertThat(a.getJsonArray("citations")).isEmpty();
  }

  @Test
  void a_rerank_through_a_catalog_embedding_model_reorders_only_what_the_reader_may_see() {
    String q = "Bluebird acquisition Nordwind";
    Reply r =
        outsider.post(
            "/v1/retrieval/search",
            "{\"query\":\""
                + q
                + "\",\"knowledge_bases\":[\""
                + kb
                + "\"],\"max_num_results\":3,\"rerank\":{\"model\":\"local-minilm\",\"candidates\":10}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getJsonObject("rerank").getString("model")).isEqualTo("local-minilm");
    assertThat(r.json().getJsonArray("data")).hasSize(3);
    assertThat(files(r.json())).doesNotContain(secretDoc);
    // best first by the reranker's cosine similarity, which differs from the fused RRF scores
    List<Double> scores = new ArrayList<>();
    r.json()
        .getJsonArray("data")
        .forEach(v -> scores.add(v.asJsonObject().getJsonNumber("score").doubleValue()));
    assertThat(scores).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(scores.get(0)).isGreaterThan(0.1); // a cosine, not a reciprocal-rank sum (< 0.04)

    Reply unknown =
        outsider.post(
            "/v1/retrieval/search",
            "{\"query\":\"travel\",\"knowledge_bases\":[\""
                + kb
                + "\"],\"rerank\":{\"model\":\"no-such-model\"}}");
    assertThat(unknown.status()).as(unknown.toString()).isBetween(400, 404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    Reply tooFew =
        outsider.post(
            "/v1/retrieval/search",
            "{\"query\":\"travel\",\"knowledge_bases\":[\""
                + kb
                + "\"],\"max_num_results\":5,\"rerank\":{\"model\":\"local-minilm\",\"candidates\":2}}");
    assertThat(tooFew.status()).as(tooFew.toString()).isEqualTo(400);
    assertThat(tooFew.body()).contains("rerank.candidates");
  }

  @Test
  void another_tenants_knowledge_base_is_not_found() {
    Reply s =
        other.post(
            "/v1/retrieval/search", "{\"query\":\"travel\",\"knowledge_bases\":[\"" + kb + "\"]}");
    assertThat(s.status()).as(s.toString()).isEqualTo(404);
    assertThat(s.contentType()).startsWith("application/problem+json");
    assertThat(other.get("/v1/retrieval/knowledge_bases/" + kb).status()).isEqualTo(404);
    assertThat(
            other.get("/v1/retrieval/knowledge_bases/" + kb + "/documents/" + secretDoc).status())
        .isEqualTo(404);
    Reply up =
        other.post(
            "/v1/retrieval/knowledge_bases/" + kb + "/documents",
            "{\"title\":\"x\",\"text\":\"y\"}");
    assertThat(up.status()).isEqualTo(404);
  }

  @Test
  void a_new_version_replaces_the_old_one_in_search_at_once_and_a_delete_removes_it()
      throws Exception {
    String doc = upload("canteen.txt", "The canteen sells zucchini lasagne on Fridays.", null);
    awaitStatus(doc, "ready");
    assertThat(files(search(outsider, "zucchini lasagne", 3))).contains(doc);

    Reply v2 =
        put(
            admin,
            "/v1/retrieval/knowledge_bases/" + kb + "/documents/" + doc,
            "{\"text\":\"The canteen sells pumpkin risotto on Fridays.\"}");
    assertThat(v2.status()).as(v2.toString()).isEqualTo(202);
    assertThat(v2.json().getInt("version")).isEqualTo(2);
    // before the new version is even ingested, the old text is gone from search
    JsonObject page = search(outsider, "zucchini lasagne", 20);
    assertThat(page.getJsonArray("data").toString()).doesNotContain("zucchini");
    awaitStatus(doc, "ready");
    JsonObject now = search(outsider, "pumpkin risotto", 3);
    assertThat(now.getJsonArray("data").getJsonObject(0).getString("file_id")).isEqualTo(doc);
    assertThat(
            now.getJsonArray("data").getJsonObject(0).getJsonObject("attributes").getInt("version"))
        .isEqualTo(2);

    assertThat(admin.delete("/v1/retrieval/knowledge_bases/" + kb + "/documents/" + doc).status())
        .isEqualTo(204);
    assertThat(search(outsider, "pumpkin risotto", 20).getJsonArray("data").toString())
        .doesNotContain("pumpkin");
    assertThat(admin.get("/v1/retrieval/knowledge_bases/" + kb + "/documents/" + doc).status())
        .isEqualTo(404);
  }

  @Test
  void an_acl_change_applies_to_the_next_search() throws Exception {
    String doc =
        upload(
            "salaries.txt",
            "Salary bands for engineers are reviewed every March.",
            "{\"roles\":[\"TENANT_ADMIN\"]}");
    awaitStatus(doc, "ready");
    assertThat(files(search(outsider, "salary bands engineers", 5))).doesNotContain(doc);
    Reply patched =
        admin.patch("/v1/retrieval/knowledge_bases/" + kb + "/documents/" + doc, "{\"acl\":null}");
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(files(search(outsider, "salary bands engineers", 5))).contains(doc);
  }

  @Test
  void bad_uploads_get_clear_problems_and_unreadable_files_are_dead_lettered() throws Exception {
    Reply zip =
        admin.send(
            admin
                .request("/v1/retrieval/knowledge_bases/" + kb + "/documents?title=a.zip")
                .header("Content-Type", "application/zip")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        new byte[] {0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4})));
    assertThat(zip.status()).as(zip.toString()).isEqualTo(415);
    assertThat(zip.contentType()).startsWith("application/problem+json");
    assertThat(zip.body()).contains("PDF, DOCX, HTML, Markdown or plain text");

    byte[] big = new byte[2_100_000];
    java.util.Arrays.fill(big, (byte) 'a');
    Reply large =
        admin.send(
            admin
                .request("/v1/retrieval/knowledge_bases/" + kb + "/documents?title=big.txt")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
    assertThat(large.status()).as(large.toString()).isEqualTo(413);
    assertThat(large.contentType()).startsWith("application/problem+json");

    Reply missing =
        admin.post("/v1/retrieval/knowledge_bases/" + kb + "/documents", "{\"text\":\"no title\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("title");

    Reply pdf =
        admin.send(
            admin
                .request("/v1/retrieval/knowledge_bases/" + kb + "/documents?title=broken.pdf")
                .header("Content-Type", "application/pdf")
                .POST(HttpRequest.BodyPublishers.ofString("%PDF-1.7\n this is no PDF at all")));
    assertThat(pdf.status()).as(pdf.toString()).isEqualTo(202);
    JsonObject failed = awaitStatus(pdf.json().getString("id"), "failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("unreadable");
  }

  @Test
  void chat_completions_answer_from_the_knowledge_base_with_sources() throws Exception {
    Reply r =
        insider.post(
            "/v1/chat/completions",
            "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"When does the Bluebird acquisition close?\"}],"
                + "\"retrieval\":{\"knowledge_bases\":[\""
                + kb
                + "\"]}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(
            body.getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .contains("30 June");
    assertThat(
            body.getJsonObject("retrieval")
                .getJsonArray("sources")
                .getJsonObject(0)
                .getString("document_id"))
        .isEqualTo(secretDoc);
    // the decision names the evidence the answer was grounded on: the sources' chunks
    List<String> chunks =
        body.getJsonObject("retrieval").getJsonArray("sources").stream()
            .map(v -> v.asJsonObject().getString("chunk_id"))
            .toList();
    assertThat(chunks).isNotEmpty();
    assertThat(evidenceIds(r.header("x-request-id"))).containsExactlyElementsOf(chunks);
    Reply out =
        outsider.post(
            "/v1/chat/completions",
            "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"When does the Bluebird acquisition close?\"}],"
                + "\"retrieval\":{\"knowledge_bases\":[\""
                + kb
                + "\"]}}");
    assertThat(out.status()).as(out.toString()).isEqualTo(200);
    assertThat(out.body()).doesNotContain("30 June").doesNotContain(secretDoc);
    assertThat(evidenceIds(out.header("x-request-id"))).doesNotContainAnyElementsOf(chunks);
  }

  /** The evidence ids of a request's decision, once the decision log has stored it. */
  static List<String> evidenceIds(String requestId) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      Reply d = operator.get("/api/v1/tenants/" + tenant + "/decisions/" + requestId);
      if (d.status() == 200) {
        JsonObject decision = d.json();
        assertThat(decision.containsKey("evidenceIds")).as(decision.toString()).isTrue();
        return decision
            .getJsonArray("evidenceIds")
            .getValuesAs(jakarta.json.JsonString.class)
            .stream()
            .map(jakarta.json.JsonString::getString)
            .toList();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no decision recorded for " + requestId);
  }

  @Test
  void the_index_matches_postgresql_after_kill_9_and_a_rebuild() throws Exception {
    Node n = new Node("node-retrieval", Settings.WORK);
    Map<String, String> env = platform.env();
    env.put("TESSERA_RETRIEVAL_LEASE", "PT3S");
    n.start(env, List.of());
    try {
      n.awaitReady(
          Duration.ofMinutes(8)); // two cores shared by many builds: Payara may take minutes
      Api onN = admin.on(n);
      Reply created =
          onN.post(
              "/v1/retrieval/knowledge_bases", "{\"name\":\"crash-" + System.nanoTime() + "\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String crashKb = created.json().getString("id");
      List<String> docs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        StringBuilder text = new StringBuilder("# Part " + i + "\n\n");
        for (int p = 0; p < 20; p++) {
          text.append("Paragraph ")
              .append(p)
              .append(" of part ")
              .append(i)
              .append(" describes warehouse shelf ")
              .append(p * 7 + i)
              .append(".\n\n");
        }
        Reply r =
            onN.post(
                "/v1/retrieval/knowledge_bases/" + crashKb + "/documents",
                Json.createObjectBuilder()
                    .add("title", "part-" + i + ".md")
                    .add("text", text.toString())
                    .add("media_type", "text/markdown")
                    .build()
                    .toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        docs.add(r.json().getString("id"));
      }
      awaitStatus(onN, crashKb, docs.get(0), "ready");
      assertThat(onN.get("/v1/retrieval/knowledge_bases/" + crashKb + "/index").status())
          .isEqualTo(200);
      n.kill(); // mid-ingestion, most likely: no shutdown hooks, the index as last committed
      // meanwhile another instance changes what should be indexed
      assertThat(
              admin
                  .delete("/v1/retrieval/knowledge_bases/" + crashKb + "/documents/" + docs.get(0))
                  .status())
          .isEqualTo(204);
      n.start(env, List.of());
      n.awaitReady(
          Duration.ofMinutes(8)); // two cores shared by many builds: Payara may take minutes
      for (String d : docs.subList(1, docs.size())) {
        awaitStatus(onN, crashKb, d, "ready");
      }
      JsonObject after = onN.get("/v1/retrieval/knowledge_bases/" + crashKb + "/index").json();
      assertThat(after.getBoolean("consistent")).as(after.toString()).isTrue();
      assertThat(after.getInt("indexed_chunks")).isGreaterThan(0);
      Reply rebuilt = onN.post("/v1/retrieval/reindex", "{}");
      assertThat(rebuilt.status()).as(rebuilt.toString()).isEqualTo(200);
      JsonObject again = onN.get("/v1/retrieval/knowledge_bases/" + crashKb + "/index").json();
      assertThat(again.getBoolean("consistent")).isTrue();
      assertThat(again.getInt("indexed_chunks")).isEqualTo(after.getInt("indexed_chunks"));
    } finally {
      n.close();
    }
  }

  @Test
  void on_the_self_made_beir_set_hybrid_beats_bm25_and_dense() throws Exception {
    java.nio.file.Path root = java.nio.file.Path.of(System.getProperty("tessera.it.root", ".."));
    java.nio.file.Path dir = root.resolve("modules/retrieval/src/test/resources/beir/tessera-mini");
    // the very client ./tessera eval-retrieval runs, against this platform
    Process p =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                root.resolve("tools/BeirEval.java").toString(),
                dir.toString(),
                operator.base,
                Settings.ADMIN_TOKEN)
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    System.out.println(out);
    Map<String, Double> ndcg = new java.util.HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 5 && List.of("bm25", "dense", "hybrid").contains(f[0])) {
        ndcg.put(f[0], Double.parseDouble(f[1]));
      }
    }
    assertThat(ndcg).as(out).containsKeys("bm25", "dense", "hybrid");
    assertThat(ndcg.get("hybrid"))
        .as(out)
        .isGreaterThan(ndcg.get("bm25"))
        .isGreaterThan(ndcg.get("dense"));
  }
}
