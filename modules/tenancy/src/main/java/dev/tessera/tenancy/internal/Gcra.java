package dev.tessera.tenancy.internal;

/**
 * The generic cell rate algorithm: a token bucket of {@code limit} per minute kept as a single
 * number, the theoretical arrival time (TAT), so one compare-and-set admits or refuses a request
 * exactly, however many instances race for it.
 */
final class Gcra {
  static final long PERIOD_MICROS = 60_000_000L;

  private Gcra() {}

  /** The outcome for one bucket; times in microseconds. */
  record Decision(
      boolean allowed, long limit, long remaining, long resetMicros, long retryAfterMicros) {}

  static Decision acquire(CounterStore store, String key, long limit, long cost, long nowMicros) {
    long interval = Math.max(1, PERIOD_MICROS / limit);
    while (true) {
      Long stored = store.get(key);
      long tat = stored == null ? nowMicros : Math.max(stored, nowMicros);
      long newTat = tat + cost * interval;
      long allowAt = newTat - PERIOD_MICROS;
      if (allowAt > nowMicros) {
        long remaining = Math.max(0, (PERIOD_MICROS - (tat - nowMicros)) / interval);
        return new Decision(false, limit, remaining, tat - nowMicros, allowAt - nowMicros);
      }
      boolean won =
          stored == null ? store.putIfAbsent(key, newTat) : store.replace(key, stored, newTat);
      if (won) {
        long remaining = Math.max(0, (PERIOD_MICROS - (newTat - nowMicros)) / interval);
        return new Decision(true, limit, remaining, newTat - nowMicros, 0);
      }
    }
  }

  /** Gives back what an admitted request took, when a later check refused it after all. */
  static void refund(CounterStore store, String key, long limit, long cost) {
    long interval = Math.max(1, PERIOD_MICROS / limit);
    while (true) {
      Long stored = store.get(key);
      if (stored == null || store.replace(key, stored, stored - cost * interval)) {
        return;
      }
    }
  }
}
