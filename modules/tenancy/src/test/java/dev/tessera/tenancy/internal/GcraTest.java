package dev.tessera.tenancy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GcraTest {
  static final long MINUTE = Gcra.PERIOD_MICROS;

  @Test
  void admits_a_full_burst_then_refuses_until_refilled() {
    CounterStore store = new LocalCounterStore();
    long now = 1_000_000_000L;
    for (int i = 0; i < 10; i++) {
      Gcra.Decision d = Gcra.acquire(store, "k", 10, 1, now);
      assertThat(d.allowed()).isTrue();
      assertThat(d.remaining()).isEqualTo(9 - i);
    }
    Gcra.Decision refused = Gcra.acquire(store, "k", 10, 1, now);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    // one emission interval (6 s for 10/min) later exactly one more fits
    assertThat(refused.retryAfterMicros()).isEqualTo(MINUTE / 10);
    assertThat(Gcra.acquire(store, "k", 10, 1, now + MINUTE / 10).allowed()).isTrue();
    assertThat(Gcra.acquire(store, "k", 10, 1, now + MINUTE / 10).allowed()).isFalse();
    // a full minute idle refills the whole bucket
    long later = now + 2 * MINUTE;
    for (int i = 0; i < 10; i++) {
      assertThat(Gcra.acquire(store, "k", 10, 1, later).allowed()).isTrue();
    }
  }

  @Test
  void a_cost_above_the_limit_is_never_admitted_and_cost_zero_always_is() {
    CounterStore store = new LocalCounterStore();
    assertThat(Gcra.acquire(store, "t", 100, 101, 0).allowed()).isFalse();
    for (int i = 0; i < 1000; i++) {
      assertThat(Gcra.acquire(store, "t", 100, 0, 0).allowed()).isTrue();
    }
  }

  @Test
  void limits_in_the_billions_are_honoured_as_configured() {
    CounterStore store = new LocalCounterStore();
    long limit = 2_000_000_000L; // tokens a minute, as a large tenant may be given
    // at one instant the whole minute's worth fits, in requests of a billion each, and no more
    assertThat(Gcra.acquire(store, "tpm", limit, 1_000_000_000L, 0).allowed()).isTrue();
    assertThat(Gcra.acquire(store, "tpm", limit, 1_000_000_000L, 0).allowed()).isTrue();
    Gcra.Decision full = Gcra.acquire(store, "tpm", limit, 1, 0);
    assertThat(full.allowed()).isFalse();
    // the 529 tokens a small chat request is estimated at come back in 16 µs, not 529
    assertThat(full.retryAfterMicros()).isEqualTo(1);
    assertThat(Gcra.acquire(store, "tpm", limit, 529, 16).allowed()).isTrue();

    // a limit that does not divide the minute is never exceeded: 7 per minute, 7 at once, then
    // the eighth exactly one seventh of a minute (rounded up to the microsecond) later
    CounterStore odd = new LocalCounterStore();
    for (int i = 0; i < 7; i++) {
      assertThat(Gcra.acquire(odd, "k", 7, 1, 0).allowed()).isTrue();
    }
    Gcra.Decision eighth = Gcra.acquire(odd, "k", 7, 1, 0);
    assertThat(eighth.allowed()).isFalse();
    assertThat(eighth.retryAfterMicros()).isEqualTo(8_571_429);
    assertThat(Gcra.acquire(odd, "k", 7, 1, 8_571_428).allowed()).isFalse();
    assertThat(Gcra.acquire(odd, "k", 7, 1, 8_571_429).allowed()).isTrue();
  }

  @Test
  void refunds_give_back_exactly_what_was_taken() {
    CounterStore store = new LocalCounterStore();
    for (int i = 0; i < 5; i++) {
      Gcra.acquire(store, "k", 5, 1, 0);
    }
    assertThat(Gcra.acquire(store, "k", 5, 1, 0).allowed()).isFalse();
    Gcra.refund(store, "k", 5, 1);
    assertThat(Gcra.acquire(store, "k", 5, 1, 0).allowed()).isTrue();
    assertThat(Gcra.acquire(store, "k", 5, 1, 0).allowed()).isFalse();
  }

  @Test
  void concurrent_racers_never_exceed_the_limit() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 20; round++) {
      int limit = 1 + random.nextInt(200);
      CounterStore store = new LocalCounterStore();
      AtomicInteger admitted = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < limit * 3; i++) {
        fs.add(
            pool.submit(
                () -> {
                  if (Gcra.acquire(store, "k", limit, 1, 42).allowed()) {
                    admitted.incrementAndGet();
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      assertThat(admitted.get()).as("seed " + seed + ", limit " + limit).isEqualTo(limit);
    }
  }

  @Test
  void counters_add_atomically() throws Exception {
    CounterStore store = new LocalCounterStore();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      long delta = i % 2 == 0 ? 3 : -1;
      fs.add(pool.submit(() -> store.add("c", delta)));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    assertThat(store.get("c")).isEqualTo(500L * 3 - 500L);
  }
}
