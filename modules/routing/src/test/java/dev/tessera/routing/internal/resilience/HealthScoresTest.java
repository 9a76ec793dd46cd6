package dev.tessera.routing.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class HealthScoresTest {
  private final FakeClock clock = new FakeClock();
  private final HealthScores health = new HealthScores(100, Duration.ofSeconds(60), clock);

  private static ProviderException failure(Kind kind) {
    return new ProviderException(kind, "openai", "boom", null);
  }

  private static Duration ms(long m) {
    return Duration.ofMillis(m);
  }

  @Test
  void error_rate_and_latency_percentiles_over_the_window() {
    for (int i = 1; i <= 100; i++) {
      if (i % 10 == 0) {
        health.recordFailure("d", ms(5000), failure(Kind.SERVER_ERROR));
      } else {
        health.recordSuccess("d", ms(i * 10L), null);
      }
    }

    HealthScore s = health.scoreOf("d");

    assertThat(s.calls()).isEqualTo(100);
    assertThat(s.failures()).isEqualTo(10);
    assertThat(s.errorRate()).isEqualTo(0.10);
    // 90 successes of 10..990 ms (multiples of 100 were failures): nearest rank 45 and 86.
    assertThat(s.p50Latency()).isEqualTo(ms(490));
    assertThat(s.p95Latency()).isEqualTo(ms(950));
    assertThat(s.p50TimeToFirstToken()).isEqualTo(Duration.ZERO);
  }

  @Test
  void time_to_first_token_comes_from_streamed_calls() {
    health.recordSuccess("d", ms(900), ms(100));
    health.recordSuccess("d", ms(900), ms(200));
    health.recordSuccess("d", ms(900), ms(300));
    health.recordSuccess("d", ms(400), null);

    HealthScore s = health.scoreOf("d");

    assertThat(s.p50TimeToFirstToken()).isEqualTo(ms(200));
    assertThat(s.p95TimeToFirstToken()).isEqualTo(ms(300));
    assertThat(s.p50Latency()).isEqualTo(ms(900));
  }

  @Test
  void only_the_last_calls_count() {
    var small = new HealthScores(10, Duration.ofSeconds(60), clock);
    for (int i = 0; i < 10; i++) {
      small.recordFailure("d", ms(10), failure(Kind.TIMEOUT));
    }
    for (int i = 0; i < 10; i++) {
      small.recordSuccess("d", ms(10), null);
    }

    assertThat(small.scoreOf("d").calls()).isEqualTo(10);
    assertThat(small.scoreOf("d").errorRate()).isZero();
  }

  @Test
  void old_calls_age_out() {
    health.recordFailure("d", ms(10), failure(Kind.CONNECTION));
    clock.advance(Duration.ofSeconds(45));
    health.recordSuccess("d", ms(10), null);
    assertThat(health.scoreOf("d").errorRate()).isEqualTo(0.5);

    clock.advance(Duration.ofSeconds(20));

    assertThat(health.scoreOf("d").calls()).isEqualTo(1);
    assertThat(health.scoreOf("d").errorRate()).isZero();
  }

  @Test
  void rejected_requests_say_nothing_about_the_provider() {
    health.recordFailure("d", ms(3), failure(Kind.CLIENT_ERROR));
    health.recordFailure("d", ms(3), failure(Kind.AUTH));

    assertThat(health.scoreOf("d").calls()).isZero();
  }

  @Test
  void an_unknown_deployment_has_no_data() {
    HealthScore s = health.scoreOf("nobody");

    assertThat(s.calls()).isZero();
    assertThat(s.errorRate()).isZero();
    assertThat(s.p95Latency()).isEqualTo(Duration.ZERO);
  }

  @Test
  void concurrent_recording_loses_nothing_and_keeps_deployments_apart() throws Exception {
    var big = new HealthScores(10_000, Duration.ofSeconds(60), clock);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 1000; i++) {
                    big.recordSuccess("a", ms(10), null);
                    big.recordFailure("b", ms(10), failure(Kind.SERVER_ERROR));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(big.scoreOf("a").calls()).isEqualTo(4000);
    assertThat(big.scoreOf("a").errorRate()).isZero();
    assertThat(big.scoreOf("b").errorRate()).isEqualTo(1.0);
  }
}
