import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retrieval at scale in one tenant: ingests CHUNKS synthetic chunks (documents of 100 sections,
 * one chunk each; every fifth document readable only by the group "board"), reports ingest
 * throughput (extraction, chunking, MiniLM embedding, PostgreSQL, index), then runs QUERIES hybrid (and BM25-only and dense-only, for the breakdown)
 * searches as a key outside that group (the ACL filter on) and reports query latency p50/p95/p99
 * as HTTP round trips (query embedding included). JDK only; run by bench/retrieval.sh.
 *
 * <p>usage: java bench/RetrievalBench.java BASE_URL OPERATOR_TOKEN [CHUNKS] [QUERIES] [SERVER_PID]
 */
public class RetrievalBench {
  /** Rounds of queries (one per mode) before the measured ones: the JIT compilation settles. */
  static final int WARMUP = 300;

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String[] WORDS =
      ("invoice shipment pallet warehouse contract supplier audit budget forecast quarter revenue margin "
              + "customer ticket outage incident backup server cluster network firewall license renewal "
              + "payroll bonus pension leave travel hotel flight receipt approval manager policy compliance "
              + "privacy consent retention archive storage capacity latency throughput release rollback "
              + "migration schema index query report dashboard metric alert threshold escalation vendor "
              + "freight customs tariff container port truck route depot inventory stock reorder lead time")
          .split(" ");

  public static void main(String[] args) throws Exception {
    String base = args[0].replaceAll("/$", "");
    String operator = args[1];
    int chunks = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    int queries = args.length > 3 ? Integer.parseInt(args[3]) : 500;
    String pid = args.length > 4 ? args[4] : null;
    int sections = 100;
    int docs = Math.max(1, chunks / sections);

    String tenant =
        field(call("POST", base + "/api/v1/tenants", operator,
            "{\"slug\":\"bench-" + Long.toString(System.nanoTime(), 36) + "\",\"name\":\"Retrieval bench\","
                + "\"tier\":\"STANDARD\",\"limits\":{\"requestsPerMinute\":1000000,\"tokensPerMinute\":1000000000,"
                + "\"maxConcurrentRequests\":64,\"keyRequestsPerMinute\":1000000,\"keyTokensPerMinute\":1000000000}}"),
            "id");
    String admin = field(call("POST", base + "/api/v1/tenants/" + tenant + "/api-keys", operator,
        "{\"name\":\"admin\",\"scopes\":[\"admin\"]}"), "key");
    String reader = field(call("POST", base + "/api/v1/tenants/" + tenant + "/api-keys", operator,
        "{\"name\":\"reader\",\"scopes\":[\"inference\"]}"), "key");
    String kb = field(call("POST", base + "/v1/retrieval/knowledge_bases", admin, "{\"name\":\"bench\"}"), "id");

    Random r = new Random(42);
    long t0 = System.nanoTime();
    List<String> ids = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      StringBuilder text = new StringBuilder("# Handbook " + d + "\n\n");
      for (int s = 0; s < sections; s++) {
        text.append("## Section ").append(s).append("\n\n");
        for (int w = 0; w < 45; w++) {
          text.append(w == 0 ? "" : " ").append(WORDS[(int) Math.min(WORDS.length - 1, Math.abs(r.nextGaussian()) * WORDS.length / 3)]);
        }
        text.append(" code-").append(d).append('-').append(s).append(".\n\n");
      }
      String acl = d % 5 == 0 ? ",\"acl\":{\"groups\":[\"board\"]}" : "";
      String body = "{\"title\":\"handbook-" + d + ".md\",\"media_type\":\"text/markdown\",\"text\":"
          + quote(text.toString()) + acl + "}";
      ids.add(field(call("POST", base + "/v1/retrieval/knowledge_bases/" + kb + "/documents", admin, body), "id"));
    }
    double uploaded = (System.nanoTime() - t0) / 1e9;
    for (String id : ids) {
      while (true) {
        String doc = call("GET", base + "/v1/retrieval/knowledge_bases/" + kb + "/documents/" + id, admin, null);
        String status = field(doc, "status");
        if (status.equals("ready") || status.equals("failed")) {
          break;
        }
        Thread.sleep(500);
      }
    }
    double ingest = (System.nanoTime() - t0) / 1e9;
    String index = call("GET", base + "/v1/retrieval/knowledge_bases/" + kb + "/index", admin, null);
    long stored = Long.parseLong(number(index, "stored_chunks"));
    System.out.printf(Locale.ROOT, "ingest: %d documents, %d chunks in %.1f s (uploads took %.1f s): %.1f chunks/s%n",
        docs, stored, ingest, uploaded, stored / ingest);
    System.out.println("index: " + index);

    // Lucene merges the ingest's segments in the background (HNSW graphs included) for minutes
    // after the last document is ready; queries meanwhile share two cores with it. Measure the
    // steady state: wait until the server's CPU is below a tenth of a core for 5 s.
    if (pid != null) {
      long waited = System.nanoTime();
      int quiet = 0;
      long before = cpuTicks(pid);
      while (quiet < 5 && System.nanoTime() - waited < 900e9) {
        Thread.sleep(1000);
        long now = cpuTicks(pid);
        quiet = now - before <= 10 ? quiet + 1 : 0; // ticks are 1/100 s
        before = now;
      }
      System.out.printf(Locale.ROOT, "background work (index merges) settled %.0f s after ingest%n",
          (System.nanoTime() - waited) / 1e9);
    }

    // warm-up, then measured queries, one at a time (latency, not throughput); hybrid is the
    // figure that counts, BM25 and dense alone show where its time goes. The three modes take
    // turns, in a rotating order, so that drift (JIT, GC, a neighbour on the host) hits them alike.
    String[] modes = {"hybrid", "bm25", "dense"};
    Random[] texts = new Random[modes.length];
    List<List<Double>> ms = new ArrayList<>();
    int[] resultsSeen = new int[modes.length];
    for (int m = 0; m < modes.length; m++) {
      texts[m] = new Random(7 + m); // other queries per mode: no embedding comes from the cache
      ms.add(new ArrayList<>());
    }
    for (int q = 0; q < queries + WARMUP; q++) {
      for (int turn = 0; turn < modes.length; turn++) {
        int m = (q + turn) % modes.length;
        Random qr = texts[m];
        String text = WORDS[qr.nextInt(WORDS.length)] + " " + WORDS[qr.nextInt(WORDS.length)] + " " + WORDS[qr.nextInt(WORDS.length)];
        String body = "{\"query\":\"" + text + "\",\"knowledge_bases\":[\"" + kb + "\"],\"max_num_results\":10,\"mode\":\"" + modes[m] + "\"}";
        long s = System.nanoTime();
        String page = call("POST", base + "/v1/retrieval/search", reader, body);
        double took = (System.nanoTime() - s) / 1e6;
        if (q >= WARMUP) {
          ms.get(m).add(took);
          resultsSeen[m] += count(page, "\"file_id\"");
        }
      }
    }
    for (int m = 0; m < modes.length; m++) {
      List<Double> sorted = ms.get(m);
      Collections.sort(sorted);
      System.out.printf(Locale.ROOT, "%s search, ACL filter on, %d queries: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms (%.1f results per page)%n",
          modes[m], sorted.size(), pct(sorted, 0.50), pct(sorted, 0.95), pct(sorted, 0.99), (double) resultsSeen[m] / sorted.size());
    }
  }

  /** User plus system CPU of a process, in clock ticks, from /proc/PID/stat. */
  static long cpuTicks(String pid) throws java.io.IOException {
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
  }

  static double pct(List<Double> sorted, double p) {
    return sorted.get((int) Math.ceil(p * (sorted.size() - 1)));
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return m.group(1);
  }

  static String number(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return m.group(1);
  }

  static String call(String method, String url, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 429 && attempt < 100) {
        Thread.sleep(200);
        continue;
      }
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    }
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
