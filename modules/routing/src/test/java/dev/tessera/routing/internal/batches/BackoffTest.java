package dev.tessera.routing.internal.batches;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  final Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(10));

  @Test
  void doubles_per_attempt_with_half_of_it_jittered() {
    assertThat(backoff.after(1, 0.0)).isEqualTo(Duration.ofMillis(2500));
    assertThat(backoff.after(1, 0.999)).isBetween(Duration.ofMillis(4990), Duration.ofSeconds(5));
    assertThat(backoff.after(2, 0.0)).isEqualTo(Duration.ofSeconds(5));
    assertThat(backoff.after(3, 0.0)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void never_exceeds_the_maximum_even_for_absurd_attempts() {
    assertThat(backoff.after(12, 0.999)).isLessThanOrEqualTo(Duration.ofMinutes(10));
    assertThat(backoff.after(Integer.MAX_VALUE, 0.999)).isLessThanOrEqualTo(Duration.ofMinutes(10));
    assertThat(backoff.after(Integer.MAX_VALUE, 0.0)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void jitter_stays_within_the_window() {
    for (int i = 0; i < 1000; i++) {
      Duration d = backoff.after(2);
      assertThat(d).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }
  }

  @Test
  void attempt_zero_or_less_counts_as_the_first() {
    assertThat(backoff.after(0, 0.0)).isEqualTo(backoff.after(1, 0.0));
  }
}
