package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.spi.ProviderEndpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Deployments, requests and waiting helpers shared by the resilience tests. */
final class ResilienceFixture {
  /** One timer for all tests, as in production. */
  static final ScheduledExecutorService TIMER = ResilientCaller.defaultTimer();

  /** Millisecond backoffs so retries are quick; jitter stays on. */
  static final RetryPolicy FAST_RETRY =
      new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private ResilienceFixture() {}

  static Deployment deployment(String id, String kind, ModelTier tier) {
    return new Deployment(
        id, "model-" + id, kind, tier, ProviderEndpoint.of("http://" + id + ".invalid/v1", "k"), 1);
  }

  static ChatRequest hello(String model) {
    return ChatRequest.builder(model).message(ChatMessage.user("Say hello")).build();
  }

  static Deadline seconds(long s) {
    return Deadline.after(Duration.ofSeconds(s));
  }

  static Outcome await(ResilientCall call) {
    try {
      return call.outcome().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("call failed", e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static CallFailedException failureOf(ResilientCall call) {
    return failureOf(call.outcome());
  }

  static CallFailedException failureOf(CompletableFuture<Outcome> outcome) {
    try {
      outcome.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CallFailedException c) {
        return c;
      }
      throw new AssertionError("not a CallFailedException", e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("call succeeded");
  }
}
