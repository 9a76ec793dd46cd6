package dev.tessera.routing.internal.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ContextLengthException;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.UnknownModelException;
import dev.tessera.tenancy.api.UnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class LineFailureTest {
  static ProviderException provider(ProviderException.Kind kind) {
    return new ProviderException(kind, "openai", "secret prompt text", null);
  }

  @Test
  void provider_failures_that_may_pass_are_retried() {
    for (ProviderException.Kind k :
        new ProviderException.Kind[] {
          ProviderException.Kind.SERVER_ERROR,
          ProviderException.Kind.TIMEOUT,
          ProviderException.Kind.CONNECTION,
          ProviderException.Kind.RATE_LIMITED
        }) {
      assertThat(LineFailure.of(provider(k)).retryable()).as(k.name()).isTrue();
    }
    assertThat(LineFailure.of(provider(ProviderException.Kind.CLIENT_ERROR)).retryable()).isFalse();
    assertThat(LineFailure.of(provider(ProviderException.Kind.AUTH)).retryable()).isFalse();
  }

  @Test
  void wrong_requests_are_answered_with_their_error_at_once() {
    LineFailure unknown = LineFailure.of(new UnknownModelException("nope", "No model 'nope'."));
    assertThat(unknown.retryable()).isFalse();
    assertThat(unknown.status()).isEqualTo(404);
    LineFailure tooLong = LineFailure.of(new ContextLengthException("too long"));
    assertThat(tooLong.code()).isEqualTo("context_length_exceeded");
    assertThat(tooLong.status()).isEqualTo(400);
  }

  @Test
  void overload_and_unknown_failures_are_retried_and_wrapped_causes_are_seen() {
    assertThat(LineFailure.of(new UnavailableException("busy", 1)).retryable()).isTrue();
    assertThat(LineFailure.of(new RejectedExecutionException()).retryable()).isTrue();
    assertThat(LineFailure.of(new IllegalStateException("boom")).retryable()).isTrue();
    LineFailure wrapped =
        LineFailure.of(new CompletionException(provider(ProviderException.Kind.CLIENT_ERROR)));
    assertThat(wrapped.retryable()).isFalse();
  }

  @Test
  void messages_never_carry_the_provider_message() {
    for (ProviderException.Kind k : ProviderException.Kind.values()) {
      assertThat(LineFailure.of(provider(k)).summary()).doesNotContain("secret prompt");
    }
  }
}
