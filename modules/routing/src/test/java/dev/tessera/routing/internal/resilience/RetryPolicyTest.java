package dev.tessera.routing.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryPolicyTest {
  private static final Deadline PLENTY = Deadline.after(Duration.ofSeconds(30));

  /** Jitter pinned to its maximum, so the ceiling of each backoff is visible. */
  private final RetryPolicy policy =
      new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(300), () -> 0.999999);

  private static ProviderException failure(Kind kind, Duration retryAfter) {
    return new ProviderException(kind, "openai", 0, "boom", retryAfter, false, null);
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"CLIENT_ERROR", "AUTH"},
      mode = EnumSource.Mode.EXCLUDE)
  void retryable_failures_are_retried(Kind kind) {
    assertThat(policy.delayBeforeRetry(1, failure(kind, null), PLENTY)).isPresent();
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"CLIENT_ERROR", "AUTH"})
  void rejected_requests_are_not_retried(Kind kind) {
    assertThat(policy.delayBeforeRetry(1, failure(kind, null), PLENTY)).isEmpty();
  }

  @Test
  void nothing_is_retried_once_output_was_relayed() {
    var partial = failure(Kind.STREAM_BROKEN, null).withPartialOutput(true);

    assertThat(policy.delayBeforeRetry(1, partial, PLENTY)).isEmpty();
  }

  @Test
  void max_attempts_counts_the_first_call() {
    var e = failure(Kind.SERVER_ERROR, null);

    assertThat(policy.delayBeforeRetry(2, e, PLENTY)).isPresent();
    assertThat(policy.delayBeforeRetry(3, e, PLENTY)).isEmpty();
    assertThat(RetryPolicy.none().delayBeforeRetry(1, e, PLENTY)).isEmpty();
  }

  @Test
  void backoff_doubles_up_to_the_cap_with_full_jitter() {
    var e = failure(Kind.SERVER_ERROR, null);
    var wide = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(300), () -> 0.999999);
    var low = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(300), () -> 0.0);

    assertThat(wide.delayBeforeRetry(1, e, PLENTY)).get().satisfies(d -> near(d, 100));
    assertThat(wide.delayBeforeRetry(2, e, PLENTY)).get().satisfies(d -> near(d, 200));
    assertThat(wide.delayBeforeRetry(3, e, PLENTY)).get().satisfies(d -> near(d, 300));
    assertThat(wide.delayBeforeRetry(9, e, PLENTY)).get().satisfies(d -> near(d, 300));
    assertThat(low.delayBeforeRetry(3, e, PLENTY)).contains(Duration.ZERO);
  }

  @Test
  void real_jitter_stays_within_the_ceiling() {
    var e = failure(Kind.SERVER_ERROR, null);
    var real = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));
    for (int i = 0; i < 200; i++) {
      assertThat(real.delayBeforeRetry(2, e, PLENTY))
          .get()
          .satisfies(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(200)));
    }
  }

  @Test
  void the_providers_retry_after_replaces_the_backoff() {
    var e = failure(Kind.RATE_LIMITED, Duration.ofSeconds(2));

    assertThat(policy.delayBeforeRetry(1, e, PLENTY)).contains(Duration.ofSeconds(2));
  }

  @Test
  void a_retry_after_beyond_the_deadline_means_no_retry() {
    var e = failure(Kind.RATE_LIMITED, Duration.ofSeconds(20));

    assertThat(policy.delayBeforeRetry(1, e, Deadline.after(Duration.ofSeconds(5)))).isEmpty();
  }

  @Test
  void an_expired_deadline_means_no_retry() {
    var e = failure(Kind.SERVER_ERROR, null);

    assertThat(policy.delayBeforeRetry(1, e, Deadline.after(Duration.ZERO))).isEmpty();
  }

  private static void near(Duration d, long millis) {
    assertThat(d).isBetween(Duration.ofMillis(millis - 1), Duration.ofMillis(millis));
  }
}
