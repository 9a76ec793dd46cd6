import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Retrieval quality on any BEIR-format folder (corpus.jsonl, queries.jsonl, qrels/test.tsv),
 * measured through Tessera's real API: makes a scratch tenant with the operator token, ingests the
 * corpus into one knowledge base (one document per corpus entry, external_id = its _id), waits
 * until every document is ready, then runs each test query in bm25, dense and hybrid mode and
 * prints nDCG@10 and recall@100 per mode, ingest time and throughput, and query p50/p95.
 *
 * <p>Run by {@code ./tessera eval-retrieval DIR} (which starts a scratch Tessera), or directly:
 * {@code java tools/BeirEval.java DIR http://127.0.0.1:8080 OPERATOR_TOKEN}. JDK only.
 * Ranks are per document: a document's best chunk counts, later chunks of it are skipped.
 */
public class BeirEval {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: java tools/BeirEval.java BEIR_DIR BASE_URL OPERATOR_TOKEN");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    String base = args[1].replaceAll("/$", "");
    String operator = args[2];
    Map<String, Object> result = run(dir, base, operator);
    System.out.println(result.get("report"));
  }

  /** Runs the evaluation; the map holds the printed report and every figure by name. */
  static Map<String, Object> run(Path dir, String base, String operator) throws Exception {
    List<Map<String, Object>> corpus = jsonl(dir.resolve("corpus.jsonl"));
    Map<String, String> queries = new LinkedHashMap<>();
    for (Map<String, Object> q : jsonl(dir.resolve("queries.jsonl"))) {
      queries.put(String.valueOf(q.get("_id")), String.valueOf(q.get("text")));
    }
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve("qrels").resolve("test.tsv"))) {
      String[] f = line.split("\t");
      if (f.length < 3 || f[2].equalsIgnoreCase("score")) {
        continue;
      }
      qrels.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], Integer.parseInt(f[2].trim()));
    }

    String slug = "eval-" + Long.toString(System.nanoTime(), 36);
    Map<String, Object> tenant =
        call("POST", base + "/api/v1/tenants", operator,
            "{\"slug\":\"" + slug + "\",\"name\":\"Retrieval evaluation\",\"tier\":\"STANDARD\","
                + "\"limits\":{\"requestsPerMinute\":1000000,\"tokensPerMinute\":100000000,"
                + "\"maxConcurrentRequests\":64,\"keyRequestsPerMinute\":1000000,"
                + "\"keyTokensPerMinute\":100000000}}", 201);
    String tenantId = (String) tenant.get("id");
    Map<String, Object> key =
        call("POST", base + "/api/v1/tenants/" + tenantId + "/api-keys", operator,
            "{\"name\":\"eval\",\"scopes\":[\"admin\",\"inference\"]}", 201);
    String token = (String) key.get("key");
    Map<String, Object> kb =
        call("POST", base + "/v1/retrieval/knowledge_bases", token, "{\"name\":\"" + slug + "\"}", 201);
    String kbId = (String) kb.get("id");

    long ingestStart = System.nanoTime();
    Map<String, String> docToBeir = new HashMap<>();
    List<String> docIds = new ArrayList<>();
    for (Map<String, Object> doc : corpus) {
      String id = String.valueOf(doc.get("_id"));
      String title = String.valueOf(doc.getOrDefault("title", ""));
      String text = String.valueOf(doc.getOrDefault("text", ""));
      if (text.isBlank()) {
        text = title;
      }
      String body =
          "{\"title\":" + quote(title.isBlank() ? id : title) + ",\"text\":" + quote(text)
              + ",\"external_id\":" + quote(id) + "}";
      Map<String, Object> made =
          call("POST", base + "/v1/retrieval/knowledge_bases/" + kbId + "/documents", token, body, 202);
      docToBeir.put((String) made.get("id"), id);
      docIds.add((String) made.get("id"));
    }
    int failed = 0;
    for (String d : docIds) {
      while (true) {
        Map<String, Object> doc =
            call("GET", base + "/v1/retrieval/knowledge_bases/" + kbId + "/documents/" + d, token, null, 200);
        String status = (String) doc.get("status");
        if (status.equals("ready")) {
          break;
        }
        if (status.equals("failed")) {
          failed++;
          break;
        }
        Thread.sleep(100);
      }
    }
    double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
    Map<String, Object> index =
        call("GET", base + "/v1/retrieval/knowledge_bases/" + kbId + "/index", token, null, 200);
    long chunks = ((Number) index.get("stored_chunks")).longValue();

    StringBuilder report = new StringBuilder();
    Map<String, Object> out = new LinkedHashMap<>();
    report.append(String.format(Locale.ROOT,
        "BEIR folder %s: %d documents (%d failed), %d chunks, %d test queries%n",
        dir, corpus.size(), failed, chunks, qrels.size()));
    report.append(String.format(Locale.ROOT,
        "ingest: %.1f s, %.1f documents/s, %.1f chunks/s (extraction, chunking, MiniLM embedding, index)%n",
        ingestSeconds, corpus.size() / ingestSeconds, chunks / ingestSeconds));
    report.append(String.format(Locale.ROOT, "%-7s %9s %11s %9s %9s%n", "mode", "nDCG@10", "recall@100", "p50 ms", "p95 ms"));
    for (String mode : List.of("bm25", "dense", "hybrid")) {
      double ndcg = 0;
      double recall = 0;
      List<Double> millis = new ArrayList<>();
      int n = 0;
      for (Map.Entry<String, Map<String, Integer>> q : qrels.entrySet()) {
        String text = queries.get(q.getKey());
        if (text == null) {
          continue;
        }
        String body =
            "{\"query\":" + quote(text) + ",\"knowledge_bases\":[\"" + kbId + "\"],\"mode\":\"" + mode
                + "\",\"max_num_results\":100}";
        long t0 = System.nanoTime();
        Map<String, Object> page = call("POST", base + "/v1/retrieval/search", token, body, 200);
        millis.add((System.nanoTime() - t0) / 1e6);
        List<String> ranked = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Object o : (List<?>) page.get("data")) {
          String beir = docToBeir.get((String) ((Map<?, ?>) o).get("file_id"));
          if (beir != null && seen.add(beir)) {
            ranked.add(beir);
          }
        }
        ndcg += ndcg(ranked, q.getValue(), 10);
        recall += recall(ranked, q.getValue(), 100);
        n++;
      }
      Collections.sort(millis);
      double p50 = millis.isEmpty() ? 0 : millis.get((int) Math.floor(0.50 * (millis.size() - 1)));
      double p95 = millis.isEmpty() ? 0 : millis.get((int) Math.ceil(0.95 * (millis.size() - 1)));
      out.put(mode + ".ndcg10", ndcg / Math.max(1, n));
      out.put(mode + ".recall100", recall / Math.max(1, n));
      report.append(String.format(Locale.ROOT, "%-7s %9.4f %11.4f %9.1f %9.1f%n",
          mode, ndcg / Math.max(1, n), recall / Math.max(1, n), p50, p95));
    }
    report.append("(query times are HTTP round trips through Tessera's API, each including the query's embedding)");
    out.put("ingestSeconds", ingestSeconds);
    out.put("chunks", chunks);
    out.put("report", report.toString());
    return out;
  }

  static double ndcg(List<String> ranked, Map<String, Integer> rel, int k) {
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranked.size()); i++) {
      int g = rel.getOrDefault(ranked.get(i), 0);
      dcg += (Math.pow(2, g) - 1) / (Math.log(i + 2) / Math.log(2));
    }
    List<Integer> ideal = new ArrayList<>(rel.values());
    ideal.sort(Collections.reverseOrder());
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.size()); i++) {
      idcg += (Math.pow(2, ideal.get(i)) - 1) / (Math.log(i + 2) / Math.log(2));
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  static double recall(List<String> ranked, Map<String, Integer> rel, int k) {
    long relevant = rel.values().stream().filter(g -> g > 0).count();
    if (relevant == 0) {
      return 0;
    }
    long found = ranked.stream().limit(k).filter(d -> rel.getOrDefault(d, 0) > 0).count();
    return (double) found / relevant;
  }

  static Map<String, Object> call(String method, String url, String token, String body, int expect)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
            .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 429 && attempt < 100) {
        Thread.sleep(500); // the tenant's rate limit: wait and go on
        continue;
      }
      if (r.statusCode() != expect) {
        throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> json = (Map<String, Object>) new Parser(r.body()).value();
      return json;
    }
  }

  static List<Map<String, Object>> jsonl(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) new Parser(line).value();
        out.add(m);
      }
    }
    return out;
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** A small JSON reader (objects, arrays, strings, numbers, literals): the JDK has none. */
  static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            ws();
            String k = string();
            ws();
            i++; // ':'
            m.put(k, value());
            ws();
            if (s.charAt(i++) == '}') {
              return m;
            }
          }
        }
        case '[': {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            ws();
            if (s.charAt(i++) == ']') {
              return l;
            }
          }
        }
        case '"':
          return string();
        case 't':
          i += 4;
          return Boolean.TRUE;
        case 'f':
          i += 5;
          return Boolean.FALSE;
        case 'n':
          i += 4;
          return null;
        default: {
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          return Double.parseDouble(s.substring(start, i));
        }
      }
    }

    private String string() {
      i++; // opening quote
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
