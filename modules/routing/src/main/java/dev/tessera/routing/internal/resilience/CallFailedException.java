package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ProviderException;
import java.util.List;

/**
 * A request no deployment could serve. It reads as the failure that decided the outcome (its kind,
 * status and retry-after), so callers map it like any {@link ProviderException}, and it carries
 * every attempt for the audit and billing records.
 */
public class CallFailedException extends ProviderException {
  private final transient List<Attempt> attempts;
  private final String requestedModel;

  public CallFailedException(
      ProviderException decisive, String requestedModel, List<Attempt> attempts) {
    super(
        decisive.kind(),
        decisive.provider(),
        decisive.httpStatus(),
        describe(decisive, attempts),
        decisive.retryAfter().orElse(null),
        decisive.partialOutput(),
        decisive);
    this.requestedModel = requestedModel;
    this.attempts = List.copyOf(attempts);
  }

  public List<Attempt> attempts() {
    return attempts;
  }

  public String requestedModel() {
    return requestedModel;
  }

  private static String describe(ProviderException decisive, List<Attempt> attempts) {
    return attempts.size() + " attempt(s) failed, last: " + decisive.getMessage();
  }
}
