package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.RoutingPolicy;
import dev.tessera.routing.codec.OpenAiJson;
import dev.tessera.routing.internal.adapters.OpenAiWire;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The opt-in semantic cache: a tenant that enables it gets an earlier answer back when it asks a
 * question close enough to one it asked before. "Close enough" is the cosine similarity of the last
 * user message's embedding (the built-in all-MiniLM-L6-v2) at or above the tenant's threshold, and
 * everything else about the request (model, earlier messages, tools, format, sampling parameters)
 * identical. Entries are grouped into buckets keyed by tenant, model and that exact remainder, so a
 * lookup compares against a handful of vectors and never against another tenant's. Vectors are
 * stored quantized to 8 bits (the similarity error is far below any useful threshold's precision),
 * a bucket keeps the newest {@link #BUCKET_MAX} questions, and each entry expires after the
 * tenant's TTL. Clustered instances share buckets and answers through the data grid.
 */
@ApplicationScoped
public class SemanticCache {
  private static final JsonProvider JSON = JsonProvider.provider();
  private static final Logger LOG = Logger.getLogger(SemanticCache.class.getName());
  static final String NAME = "tessera-semantic";
  static final int BUCKET_MAX = 32;
  private static final int LOCAL_MAX = 20_000;
  private static final long MAX_TTL_SECONDS = 7 * 24 * 3600;

  @Inject Instance<CacheManager> cacheManagers;

  @Inject
  @ConfigProperty(name = "tessera.cluster.enabled", defaultValue = "false")
  boolean clusterEnabled;

  private Cache<String, String> clustered;
  private final Map<String, String> local =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
              return size() > LOCAL_MAX;
            }
          });

  /** One remembered question: when, its quantized embedding, and where its answer is kept. */
  record Entry(long createdEpochSecond, byte[] vector, String answerKey) {
    String encode() {
      return createdEpochSecond
          + " "
          + Base64.getEncoder().encodeToString(vector)
          + " "
          + answerKey;
    }

    static Entry decode(String line) {
      String[] f = line.split(" ", 3);
      return new Entry(Long.parseLong(f[0]), Base64.getDecoder().decode(f[1]), f[2]);
    }
  }

  @PostConstruct
  void init() {
    if (!clusterEnabled) {
      return;
    }
    try {
      CacheManager cm = cacheManagers.isResolvable() ? cacheManagers.get() : null;
      if (cm == null) {
        return;
      }
      Cache<String, String> c = cm.getCache(NAME, String.class, String.class);
      if (c == null) {
        try {
          c =
              cm.createCache(
                  NAME,
                  new MutableConfiguration<String, String>()
                      .setTypes(String.class, String.class)
                      .setExpiryPolicyFactory(
                          CreatedExpiryPolicy.factoryOf(
                              new Duration(TimeUnit.SECONDS, MAX_TTL_SECONDS))));
        } catch (javax.cache.CacheException raced) {
          c = cm.getCache(NAME, String.class, String.class);
        }
      }
      clustered = c;
    } catch (RuntimeException e) {
      LOG.info("ROUTING-0311 no clustered semantic cache (" + e.getMessage() + "); per instance");
    }
  }

  /** Whether the request can be answered by similarity: one plain answer to a user's question. */
  static boolean eligible(ChatRequest r) {
    return !r.messages().isEmpty()
        && r.messages().get(r.messages().size() - 1).role() == MessageRole.USER
        && (r.n() == null || r.n() == 1)
        && !Demand.lastUserText(r).isBlank();
  }

  /** The earlier answer to the nearest question at or above the threshold, if any is fresh. */
  Optional<ChatResponse> lookup(
      TenantId tenant,
      String model,
      ChatRequest request,
      float[] question,
      RoutingPolicy.SemanticCache policy,
      long nowEpochSecond) {
    String bucket = read(bucketKey(tenant, model, request));
    if (bucket == null) {
      return Optional.empty();
    }
    byte[] q = quantize(question);
    Entry best = null;
    double bestSimilarity = -1;
    for (String line : bucket.split("\n")) {
      Entry e = Entry.decode(line);
      if (nowEpochSecond - e.createdEpochSecond() >= policy.ttlSeconds()) {
        continue;
      }
      double s = similarity(q, e.vector());
      if (s >= policy.threshold() && s > bestSimilarity) {
        best = e;
        bestSimilarity = s;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    String json = read(best.answerKey());
    if (json == null) {
      return Optional.empty();
    }
    try (var reader = JSON.createReader(new StringReader(json))) {
      return Optional.of(OpenAiWire.chatResponse(reader.readObject()));
    }
  }

  /** Remembers {@code answer} as the answer to this question, newest first in its bucket. */
  void store(
      TenantId tenant,
      String model,
      ChatRequest request,
      float[] question,
      ChatResponse answer,
      long nowEpochSecond) {
    String answerKey = "semanswer:" + tenant + ":" + UUID.randomUUID();
    write(answerKey, OpenAiJson.chat(answer, 0).toString());
    String key = bucketKey(tenant, model, request);
    String line = new Entry(nowEpochSecond, quantize(question), answerKey).encode();
    for (int attempt = 0; attempt < 3; attempt++) {
      String old = read(key);
      String updated = prepend(line, old);
      boolean swapped =
          clustered != null
              ? (old == null
                  ? clustered.putIfAbsent(key, updated)
                  : clustered.replace(key, old, updated))
              : swapLocal(key, old, updated);
      if (swapped) {
        return;
      }
    }
    // three racing writers in a row: this entry is dropped, which only costs a future miss
  }

  private boolean swapLocal(String key, String old, String updated) {
    synchronized (local) {
      if (!java.util.Objects.equals(local.get(key), old)) {
        return false;
      }
      local.put(key, updated);
      return true;
    }
  }

  static String prepend(String line, String bucket) {
    List<String> lines = new ArrayList<>();
    lines.add(line);
    if (bucket != null) {
      for (String l : bucket.split("\n")) {
        if (lines.size() >= BUCKET_MAX) {
          break;
        }
        lines.add(l);
      }
    }
    return String.join("\n", lines);
  }

  private String read(String key) {
    return clustered != null ? clustered.get(key) : local.get(key);
  }

  private void write(String key, String value) {
    if (clustered != null) {
      clustered.put(key, value);
    } else {
      local.put(key, value);
    }
  }

  /**
   * Tenant first; then a hash of the model and the whole request except the last user message's
   * text, so only questions asked in an identical setting are compared.
   */
  static String bucketKey(TenantId tenant, String model, ChatRequest r) {
    List<ChatMessage> before = r.messages().subList(0, r.messages().size() - 1);
    ChatRequest setting =
        new ChatRequest(
            model,
            before,
            r.tools(),
            r.toolChoice(),
            r.responseFormat(),
            r.temperature(),
            r.topP(),
            r.maxTokens(),
            r.stop(),
            r.seed(),
            r.user(),
            r.n(),
            false,
            false);
    return "sem:" + tenant + ":" + CanonicalKey.digest(setting);
  }

  /** Scales a vector to unit length and rounds each component to a signed byte. */
  static byte[] quantize(float[] v) {
    double norm = 0;
    for (float f : v) {
      norm += (double) f * f;
    }
    norm = Math.sqrt(norm);
    byte[] out = new byte[v.length];
    if (norm == 0) {
      return out;
    }
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) Math.max(-127, Math.min(127, Math.round(v[i] / norm * 127)));
    }
    return out;
  }

  /** Cosine similarity of two quantized vectors (0 when either is zero or they differ in size). */
  static double similarity(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return 0;
    }
    long dot = 0;
    long na = 0;
    long nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt((double) na * nb);
  }
}
