package dev.tessera.tenancy.internal;

/**
 * Compare-and-set cells of {@code long}, shared by every instance when clustered. Admission builds
 * exact limits on these three operations alone.
 */
interface CounterStore {
  Long get(String key);

  boolean putIfAbsent(String key, long value);

  boolean replace(String key, long expected, long value);

  /** Adds {@code delta} atomically (a CAS loop) and returns the new value. */
  default long add(String key, long delta) {
    while (true) {
      Long current = get(key);
      if (current == null) {
        if (putIfAbsent(key, delta)) {
          return delta;
        }
      } else if (replace(key, current, current + delta)) {
        return current + delta;
      }
    }
  }
}
