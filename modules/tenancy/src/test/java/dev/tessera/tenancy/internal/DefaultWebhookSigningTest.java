package dev.tessera.tenancy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DefaultWebhookSigningTest {
  @Test
  void signs_like_the_standard_webhooks_reference_example() {
    // the worked example of the Standard Webhooks specification (and Svix's documentation)
    assertThat(
            DefaultWebhookSigning.signature(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "1614265330",
                "{\"test\": 2432232314}"))
        .isEqualTo("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void every_byte_of_the_message_counts() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    String base = DefaultWebhookSigning.signature(secret, "msg_1", "1614265330", "{}");
    assertThat(DefaultWebhookSigning.signature(secret, "msg_2", "1614265330", "{}"))
        .isNotEqualTo(base);
    assertThat(DefaultWebhookSigning.signature(secret, "msg_1", "1614265331", "{}"))
        .isNotEqualTo(base);
    assertThat(DefaultWebhookSigning.signature(secret, "msg_1", "1614265330", "{ }"))
        .isNotEqualTo(base);
  }
}
