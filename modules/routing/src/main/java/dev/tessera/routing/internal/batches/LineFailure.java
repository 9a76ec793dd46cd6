package dev.tessera.routing.internal.batches;

import dev.tessera.routing.api.ProviderException;
import dev.tessera.tenancy.api.RateLimitedException;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.tenancy.api.UnavailableException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Why a batch line failed, classified once: whether running it again can help (the job is then
 * retried after a backoff), and the status, code and message its result carries otherwise. Messages
 * never carry prompt or answer content.
 */
record LineFailure(boolean retryable, int status, String code, String message) {

  static LineFailure of(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof ProviderException pe) {
        return provider(pe);
      }
      if (t instanceof RateLimitedException) {
        return new LineFailure(true, 429, "rate_limit_exceeded", t.getMessage());
      }
      if (t instanceof UnavailableException) {
        return new LineFailure(true, 503, "overloaded", t.getMessage());
      }
      if (t instanceof TesseraException te) {
        // the request itself is wrong (unknown model, context too long…): trying again cannot help
        return new LineFailure(false, te.status(), te.type().replace('-', '_'), te.getMessage());
      }
      if (t instanceof RejectedExecutionException) {
        return new LineFailure(true, 503, "overloaded", "The batch lane is full.");
      }
    }
    return new LineFailure(true, 500, "server_error", "Internal error.");
  }

  private static LineFailure provider(ProviderException e) {
    return switch (e.kind()) {
      case TIMEOUT ->
          new LineFailure(true, 504, "timeout", "The model did not answer within the deadline.");
      case CLIENT_ERROR ->
          new LineFailure(false, 400, "invalid_request", "The model rejected the request.");
      case AUTH ->
          new LineFailure(false, 502, "upstream_auth", "The model's provider refused credentials.");
      case RATE_LIMITED ->
          new LineFailure(true, 503, "overloaded", "The model's provider is rate limiting.");
      default ->
          new LineFailure(
              e.kind().retryable(),
              502,
              "upstream_error",
              "The model's provider failed: " + e.kind() + ".");
    };
  }

  /** As kept on a line between attempts, and as the dead-letter reason. */
  String summary() {
    return code + ": " + message;
  }
}
