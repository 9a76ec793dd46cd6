package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.OpenAiJson;
import dev.tessera.routing.internal.adapters.OpenAiWire;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
  private static final Logger LOG = Logger.getLogger(ResponseCache.class.getName());
  static final String NAME = "tessera-responses";
  private static final int LOCAL_MAX = 10_000;

  @Inject Instance<CacheManager> cacheManagers;

  @Inject
  @ConfigProperty(name = "tessera.cache.exact.ttl-seconds", defaultValue = "3600")
  long ttlSeconds;

  private Cache<String, String> clustered;
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
      }
    } catch (RuntimeException e) {
      LOG.info(
          "ROUTING-0301 no clustered cache (" + e.getMessage() + "); answers cached per instance");
    }
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
    try (var reader = Json.createReader(new StringReader(json))) {
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
    ChatRequest normalised = request.withModel(model);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest((model + "\n" + normalised).getBytes(StandardCharsets.UTF_8));
      return tenant + ":" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
