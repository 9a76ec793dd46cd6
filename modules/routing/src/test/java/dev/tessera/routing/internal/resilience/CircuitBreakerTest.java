package dev.tessera.routing.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CircuitBreakerTest {
  private final FakeClock clock = new FakeClock();
  private final Breakers breakers = new LocalBreakers(BreakerSettings.DEFAULT, clock);
  private final CircuitBreaker breaker = breakers.forDeployment("openai/gpt-4o");

  private static ProviderException failure(Kind kind) {
    return new ProviderException(kind, "openai", "boom", null);
  }

  private void fail(Kind kind) {
    breaker.tryAcquire().orElseThrow().onFailure(failure(kind));
  }

  private void succeed() {
    breaker.tryAcquire().orElseThrow().onSuccess();
  }

  @Test
  void opens_after_three_consecutive_failures_and_rejects_while_open() {
    fail(Kind.SERVER_ERROR);
    fail(Kind.TIMEOUT);
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);

    fail(Kind.CONNECTION);

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.tryAcquire()).isEmpty();
    clock.advance(Duration.ofSeconds(29));
    assertThat(breaker.tryAcquire()).isEmpty();
  }

  @Test
  void a_success_resets_the_consecutive_count() {
    fail(Kind.SERVER_ERROR);
    fail(Kind.SERVER_ERROR);
    succeed();
    fail(Kind.SERVER_ERROR);
    fail(Kind.SERVER_ERROR);

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"CLIENT_ERROR", "AUTH"})
  void rejections_of_the_request_do_not_count_against_the_provider(Kind kind) {
    for (int i = 0; i < 5; i++) {
      fail(kind);
    }

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"CLIENT_ERROR", "AUTH"},
      mode = EnumSource.Mode.EXCLUDE)
  void every_provider_side_failure_counts(Kind kind) {
    fail(kind);
    fail(kind);
    fail(kind);

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void after_the_cool_down_exactly_one_probe_goes_through_and_its_success_closes() {
    openIt();
    clock.advance(Duration.ofSeconds(30));

    var probe = breaker.tryAcquire();
    assertThat(probe).isPresent();
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isEmpty();
    assertThat(breaker.tryAcquire()).isEmpty();

    probe.get().onSuccess();

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.tryAcquire()).isPresent();
    assertThat(breaker.tryAcquire()).isPresent();
  }

  @Test
  void a_failed_probe_reopens_for_another_full_cool_down() {
    openIt();
    clock.advance(Duration.ofSeconds(30));

    breaker.tryAcquire().orElseThrow().onFailure(failure(Kind.SERVER_ERROR));

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    clock.advance(Duration.ofSeconds(20));
    assertThat(breaker.tryAcquire()).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.tryAcquire()).isPresent();
  }

  @Test
  void a_cancelled_probe_hands_the_probe_to_the_next_caller() {
    openIt();
    clock.advance(Duration.ofSeconds(30));

    breaker.tryAcquire().orElseThrow().release();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.tryAcquire()).isPresent();
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
  }

  @Test
  void late_results_of_calls_admitted_before_opening_do_not_decide() {
    var early = breaker.tryAcquire().orElseThrow();
    openIt();
    clock.advance(Duration.ofSeconds(30));
    var probe = breaker.tryAcquire().orElseThrow();

    early.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);

    probe.onFailure(failure(Kind.TIMEOUT));
    probe.onSuccess(); // settling twice is ignored
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void threshold_and_cool_down_are_configurable_and_breakers_are_per_deployment() {
    var custom = new LocalBreakers(new BreakerSettings(1, Duration.ofSeconds(5)), clock);
    custom.forDeployment("a").tryAcquire().orElseThrow().onFailure(failure(Kind.SERVER_ERROR));

    assertThat(custom.forDeployment("a").state()).isEqualTo(CircuitState.OPEN);
    assertThat(custom.forDeployment("b").state()).isEqualTo(CircuitState.CLOSED);
    assertThat(custom.forDeployment("a")).isSameAs(custom.forDeployment("a"));
    clock.advance(Duration.ofSeconds(5));
    assertThat(custom.forDeployment("a").tryAcquire()).isPresent();
  }

  @Test
  void concurrent_callers_after_the_cool_down_get_a_single_probe() throws Exception {
    openIt();
    clock.advance(Duration.ofSeconds(30));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        tasks.add(() -> breaker.tryAcquire().isPresent());
      }
      int admitted = 0;
      for (Future<Boolean> f : pool.invokeAll(tasks)) {
        admitted += f.get() ? 1 : 0;
      }
      assertThat(admitted).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private void openIt() {
    fail(Kind.SERVER_ERROR);
    fail(Kind.SERVER_ERROR);
    fail(Kind.SERVER_ERROR);
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
  }
}
