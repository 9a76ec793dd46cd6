package dev.tessera.tenancy.internal;

import javax.cache.Cache;

/**
 * Counters in Payara's clustered JCache (Hazelcast): putIfAbsent and replace(k, old, new) run
 * atomically on the entry's owner, so limits hold across every instance of the grid.
 */
final class ClusteredCounterStore implements CounterStore {
  private final Cache<String, Long> cache;

  ClusteredCounterStore(Cache<String, Long> cache) {
    this.cache = cache;
  }

  @Override
  public Long get(String key) {
    return cache.get(key);
  }

  @Override
  public boolean putIfAbsent(String key, long value) {
    return cache.putIfAbsent(key, value);
  }

  @Override
  public boolean replace(String key, long expected, long value) {
    return cache.replace(key, expected, value);
  }
}
