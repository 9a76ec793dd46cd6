package dev.tessera.governance.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses the prompt cache at start: Payara's clustered JCache (its Hazelcast data grid, shared by
 * every instance, so an eviction is seen everywhere at once) when the platform is clustered; an
 * in-process map on a single instance. Eclipse JNoSQL's Hazelcast driver was the first choice; see
 * the README's "Design choices" for why it is not used.
 */
@ApplicationScoped
public class PromptCaches {
  private static final Logger LOG = Logger.getLogger(PromptCaches.class.getName());
  static final String NAME = "tessera-prompts";
  static final long TTL_SECONDS = 600;

  @Inject Instance<CacheManager> cacheManagers;

  @Inject
  @ConfigProperty(name = "tessera.cluster.enabled", defaultValue = "false")
  boolean clusterEnabled;

  @Produces
  @ApplicationScoped
  PromptCache cache() {
    if (clusterEnabled && cacheManagers.isResolvable()) {
      try {
        CacheManager cm = cacheManagers.get();
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
                                new Duration(TimeUnit.SECONDS, TTL_SECONDS))));
          } catch (javax.cache.CacheException raced) {
            c = cm.getCache(NAME, String.class, String.class);
          }
        }
        LOG.info("GOV-0030 prompt cache: Payara's clustered JCache");
        return new Clustered(c);
      } catch (RuntimeException e) {
        LOG.info("GOV-0031 no clustered prompt cache (" + e.getMessage() + "); per instance");
      }
    }
    LOG.info("GOV-0032 prompt cache: in this instance only (not clustered)");
    return new Local();
  }

  /** The data grid's cache; entries also expire after {@link #TTL_SECONDS}. */
  static final class Clustered implements PromptCache {
    private final Cache<String, String> cache;

    Clustered(Cache<String, String> cache) {
      this.cache = cache;
    }

    @Override
    public Optional<String> get(String key) {
      return Optional.ofNullable(cache.get(key));
    }

    @Override
    public void put(String key, String value) {
      cache.put(key, value);
    }

    @Override
    public void evict(String key) {
      cache.remove(key);
    }

    @Override
    public String describe() {
      return "jcache";
    }
  }

  /** One instance's map, bounded: cleared whole when it grows past its cap. */
  static final class Local implements PromptCache {
    private static final int CAP = 10_000;
    private final Map<String, String> map = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String key) {
      return Optional.ofNullable(map.get(key));
    }

    @Override
    public void put(String key, String value) {
      if (map.size() >= CAP) {
        map.clear();
      }
      map.put(key, value);
    }

    @Override
    public void evict(String key) {
      map.remove(key);
    }

    @Override
    public String describe() {
      return "local";
    }
  }
}
