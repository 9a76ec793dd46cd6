package dev.tessera.web.portal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;

/**
 * Numbers that expire, kept where every instance sees them when Tessera runs clustered (Payara's
 * JCache on the data grid), else in this instance's memory. Sign-in failures and session
 * revocations live here, so a lockout or a "sign out everywhere" holds on every instance.
 */
abstract class SharedCounters {
  abstract Long get(String key);

  abstract void put(String key, long value);

  abstract void remove(String key);

  /** Adds one and returns the new count. */
  abstract long increment(String key);

  static SharedCounters local(Duration ttl) {
    return new Local(ttl);
  }

  /** The clustered cache of this name, or {@code null} when it cannot be had. */
  static SharedCounters clustered(CacheManager manager, String name, Duration ttl) {
    Cache<String, Long> cache = manager.getCache(name, String.class, Long.class);
    if (cache == null) {
      MutableConfiguration<String, Long> config =
          new MutableConfiguration<String, Long>()
              .setTypes(String.class, Long.class)
              .setExpiryPolicyFactory(
                  CreatedExpiryPolicy.factoryOf(
                      new javax.cache.expiry.Duration(
                          java.util.concurrent.TimeUnit.SECONDS, ttl.toSeconds())));
      try {
        cache = manager.createCache(name, config);
      } catch (CacheException raced) {
        cache = manager.getCache(name, String.class, Long.class);
      }
    }
    return new Clustered(cache);
  }

  private static final class Local extends SharedCounters {
    private record Entry(long value, long expiresAt) {}

    private final ConcurrentMap<String, Entry> map = new ConcurrentHashMap<>();
    private final long ttlMillis;

    Local(Duration ttl) {
      this.ttlMillis = ttl.toMillis();
    }

    @Override
    Long get(String key) {
      Entry e = map.get(key);
      if (e == null) {
        return null;
      }
      if (e.expiresAt() < System.currentTimeMillis()) {
        map.remove(key, e);
        return null;
      }
      return e.value();
    }

    @Override
    void put(String key, long value) {
      if (map.size() > 100_000) {
        long now = System.currentTimeMillis();
        map.values().removeIf(e -> e.expiresAt() < now);
      }
      map.put(key, new Entry(value, System.currentTimeMillis() + ttlMillis));
    }

    @Override
    void remove(String key) {
      map.remove(key);
    }

    @Override
    long increment(String key) {
      long now = System.currentTimeMillis();
      return map.compute(
              key,
              (k, e) ->
                  e == null || e.expiresAt() < now
                      ? new Entry(1, now + ttlMillis)
                      : new Entry(e.value() + 1, e.expiresAt()))
          .value();
    }
  }

  private static final class Clustered extends SharedCounters {
    private final Cache<String, Long> cache;

    Clustered(Cache<String, Long> cache) {
      this.cache = cache;
    }

    @Override
    Long get(String key) {
      return cache.get(key);
    }

    @Override
    void put(String key, long value) {
      cache.put(key, value);
    }

    @Override
    void remove(String key) {
      cache.remove(key);
    }

    @Override
    long increment(String key) {
      while (true) {
        Long old = cache.get(key);
        if (old == null) {
          if (cache.putIfAbsent(key, 1L)) {
            return 1;
          }
        } else if (cache.replace(key, old, old + 1)) {
          return old + 1;
        }
      }
    }
  }
}
