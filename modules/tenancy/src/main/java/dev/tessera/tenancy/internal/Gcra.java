package dev.tessera.tenancy.internal;

/**
 * The generic cell rate algorithm: a token bucket of {@code limit} per minute kept as a single
 * number, the theoretical arrival time (TAT), so one compare-and-set admits or refuses a request
 * exactly, however many instances race for it.
 *
 * <p>The TAT is kept in nanoseconds and each cost converted to within a nanosecond, so every limit
 * an int can hold is honoured as configured. (It was kept in microseconds with the emission
 * interval rounded to a whole one: any limit above 60,000,000 per minute acted as 60,000,000 — a
 * tenant given two billion tokens a minute was refused at three percent of that.) The stored values
 * live under their own keys ({@code #ns}), so an instance still counting in microseconds during a
 * rolling upgrade does not read them as far in the future.
 */
final class Gcra {
  static final long PERIOD_MICROS = 60_000_000L;
  static final long PERIOD_NANOS = PERIOD_MICROS * 1_000;
  private static final String UNIT = "#ns";

  private Gcra() {}

  /** The outcome for one bucket; times in microseconds. */
  record Decision(
      boolean allowed, long limit, long remaining, long resetMicros, long retryAfterMicros) {}

  static Decision acquire(CounterStore store, String key, long limit, long cost, long nowMicros) {
    String k = key + UNIT;
    long now = nowMicros * 1_000;
    long spend = nanos(limit, cost);
    while (true) {
      Long stored = store.get(k);
      long tat = stored == null ? now : Math.max(stored, now);
      long newTat = tat + spend;
      long allowAt = newTat - PERIOD_NANOS;
      if (allowAt > now) {
        return new Decision(
            false, limit, remaining(limit, tat, now), micros(tat - now), micros(allowAt - now));
      }
      boolean won =
          stored == null ? store.putIfAbsent(k, newTat) : store.replace(k, stored, newTat);
      if (won) {
        return new Decision(true, limit, remaining(limit, newTat, now), micros(newTat - now), 0);
      }
    }
  }

  /** Gives back what an admitted request took, when a later check refused it after all. */
  static void refund(CounterStore store, String key, long limit, long cost) {
    String k = key + UNIT;
    long spend = nanos(limit, cost);
    while (true) {
      Long stored = store.get(k);
      if (stored == null || store.replace(k, stored, stored - spend)) {
        return;
      }
    }
  }

  /**
   * How far {@code cost} units move the TAT at {@code limit} per minute: cost × period / limit
   * nanoseconds, rounded down (rounding up would make a burst of exactly {@code limit} one short;
   * down, a request gets less than a nanosecond of credit); more than a whole period when the cost
   * exceeds the limit (never admitted); no overflow for any int limit.
   */
  static long nanos(long limit, long cost) {
    if (cost <= 0) {
      return 0;
    }
    if (limit <= 0 || cost > limit) {
      return PERIOD_NANOS + 1;
    }
    if (limit > Integer.MAX_VALUE) { // not a limit Tessera stores; kept finite all the same
      return (long) (cost * ((double) PERIOD_NANOS / limit));
    }
    long rest = cost * (PERIOD_NANOS % limit); // < limit² < 2^62
    return cost * (PERIOD_NANOS / limit) + rest / limit;
  }

  /** Units that would still be admitted now, for the rate-limit headers. */
  private static long remaining(long limit, long tat, long now) {
    long room = PERIOD_NANOS - (tat - now);
    return room <= 0 ? 0 : room / Math.max(1, nanos(limit, 1));
  }

  private static long micros(long nanos) {
    return nanos <= 0 ? 0 : (nanos + 999) / 1_000;
  }
}
