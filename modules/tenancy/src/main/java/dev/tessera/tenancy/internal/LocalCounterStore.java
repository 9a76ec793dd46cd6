package dev.tessera.tenancy.internal;

import java.util.concurrent.ConcurrentHashMap;

/** Counters for a single instance (clustering off): exact within this JVM. */
final class LocalCounterStore implements CounterStore {
  private final ConcurrentHashMap<String, Long> cells = new ConcurrentHashMap<>();

  @Override
  public Long get(String key) {
    return cells.get(key);
  }

  @Override
  public boolean putIfAbsent(String key, long value) {
    return cells.putIfAbsent(key, value) == null;
  }

  @Override
  public boolean replace(String key, long expected, long value) {
    return cells.replace(key, expected, value);
  }
}
