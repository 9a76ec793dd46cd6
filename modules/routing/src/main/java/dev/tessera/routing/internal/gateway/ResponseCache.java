package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.codec.OpenAiJson;
import dev.tessera.routing.internal.adapters.OpenAiWire;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The exact-match answer cache, for deterministic requests only (temperature 0 or a seed). The key
 * is a hash of the tenant, the serving model and the whole normalised request, so two tenants never
 * share an entry. Entries live in Payara's clustered cache (every instance shares them), expire
 * after a TTL and are bounded by the data grid's eviction; stored as OpenAI JSON text so no
 * application class crosses the grid.
 */
@ApplicationScoped
public class ResponseCache {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private static final Logger LOG = Logger.getLogger(ResponseCache.class.getName());
  static final String NAME = "tessera-responses";
  static final String EMBEDDINGS = "tessera-embeddings";
  private static final int LOCAL_MAX = 10_000;

  @Inject Instance<CacheManager> cacheManagers;

  @Inject
  @ConfigProperty(name = "tessera.cache.exact.ttl-seconds", defaultValue = "3600")
  long ttlSeconds;

  /** A lone instance caches in memory (bounded LRU); a cluster shares the data grid's cache. */
  @Inject
  @ConfigProperty(name = "tessera.cluster.enabled", defaultValue = "false")
  boolean clusterEnabled;

  private Cache<String, String> clustered;
  private Cache<String, String> clusteredEmbeddings;
  private final Map<String, String> local =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
              return size() > LOCAL_MAX;
            }
          });

  @PostConstruct
  void init() {
    if (!clusterEnabled) {
      return;
    }
    try {
      CacheManager cm = cacheManagers.isResolvable() ? cacheManagers.get() : null;
      if (cm != null) {
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
                                new Duration(TimeUnit.SECONDS, ttlSeconds))));
          } catch (javax.cache.CacheException raced) {
            c = cm.getCache(NAME, String.class, String.class);
          }
        }
        clustered = c;
        clusteredEmbeddings = open(cm, EMBEDDINGS, 24 * 3600);
      }
    } catch (RuntimeException e) {
      LOG.info(
          "ROUTING-0301 no clustered cache (" + e.getMessage() + "); answers cached per instance");
    }
  }

  private static Cache<String, String> open(CacheManager cm, String name, long ttl) {
    Cache<String, String> c = cm.getCache(name, String.class, String.class);
    if (c != null) {
      return c;
    }
    try {
      return cm.createCache(
          name,
          new MutableConfiguration<String, String>()
              .setTypes(String.class, String.class)
              .setExpiryPolicyFactory(
                  CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.SECONDS, ttl))));
    } catch (javax.cache.CacheException raced) {
      return cm.getCache(name, String.class, String.class);
    }
  }

  /** A cached embedding of one input for this tenant and model, if any. */
  Optional<float[]> embedding(TenantId tenant, String model, String input) {
    String k = embeddingKey(tenant, model, input);
    String v = clusteredEmbeddings != null ? clusteredEmbeddings.get(k) : local.get(k);
    if (v == null) {
      return Optional.empty();
    }
    byte[] raw = java.util.Base64.getDecoder().decode(v);
    java.nio.FloatBuffer fb =
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return Optional.of(out);
  }

  void putEmbedding(TenantId tenant, String model, String input, float[] vector) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(vector.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      b.putFloat(f);
    }
    String v = java.util.Base64.getEncoder().encodeToString(b.array());
    String k = embeddingKey(tenant, model, input);
    if (clusteredEmbeddings != null) {
      clusteredEmbeddings.put(k, v);
    } else {
      local.put(k, v);
    }
  }

  static String embeddingKey(TenantId tenant, String model, String input) {
    return "emb:" + tenant + ":" + CanonicalKey.digest(model, input);
  }

  /** Whether a request's answer may be reused: the same input always gets the same output. */
  static boolean cacheable(ChatRequest r) {
    return !r.stream()
        && (r.n() == null || r.n() == 1)
        && ((r.temperature() != null && r.temperature() == 0.0) || r.seed() != null);
  }

  Optional<ChatResponse> get(TenantId tenant, String model, ChatRequest request) {
    String json =
        clustered != null
            ? clustered.get(key(tenant, model, request))
            : local.get(key(tenant, model, request));
    if (json == null) {
      return Optional.empty();
    }
    try (var reader = JSON.createReader(new StringReader(json))) {
      return Optional.of(OpenAiWire.chatResponse(reader.readObject()));
    }
  }

  void put(TenantId tenant, String model, ChatRequest request, ChatResponse response) {
    String json = OpenAiJson.chat(response, 0).toString();
    if (clustered != null) {
      clustered.put(key(tenant, model, request), json);
    } else {
      local.put(key(tenant, model, request), json);
    }
  }

  /** Tenant first: an entry can only ever be found again by the tenant that stored it. */
  static String key(TenantId tenant, String model, ChatRequest request) {
    return tenant + ":" + CanonicalKey.digest(model, request.withModel(model));
  }
}
