package dev.tessera.web.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reset durations are written the way OpenAI writes them, which SDKs parse for their back-off. */
class RateLimitHeadersTest {
  @Test
  void underAMinuteInSecondsWithMilliseconds() {
    assertThat(RateLimitHeaders.duration(0)).isEqualTo("0.000s");
    assertThat(RateLimitHeaders.duration(0.005)).isEqualTo("0.005s");
    assertThat(RateLimitHeaders.duration(0.05)).isEqualTo("0.050s");
    assertThat(RateLimitHeaders.duration(0.12)).isEqualTo("0.120s");
    assertThat(RateLimitHeaders.duration(0.9996)).isEqualTo("1.000s");
    assertThat(RateLimitHeaders.duration(6.25)).isEqualTo("6.250s");
    assertThat(RateLimitHeaders.duration(59.999)).isEqualTo("59.999s");
  }

  @Test
  void neverNegative() {
    assertThat(RateLimitHeaders.duration(-3)).isEqualTo("0.000s");
  }

  @Test
  void aMinuteOrMoreInMinutesAndWholeSeconds() {
    assertThat(RateLimitHeaders.duration(60)).isEqualTo("1m0s");
    assertThat(RateLimitHeaders.duration(359.2)).isEqualTo("6m0s");
    assertThat(RateLimitHeaders.duration(3665)).isEqualTo("61m5s");
  }
}
