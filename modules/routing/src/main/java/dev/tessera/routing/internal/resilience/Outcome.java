package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ChatResponse;
import java.util.List;

/**
 * How a request was served: the answer ({@code null} for streams, whose answer went to the
 * listener), the deployment that served it, the model the caller asked for, every upstream call
 * made, and whether a deployment other than the requested one served. Billing records both models.
 */
public record Outcome(
    ChatResponse response,
    Deployment served,
    String requestedModel,
    List<Attempt> attempts,
    boolean fellBack) {

  public Outcome {
    attempts = List.copyOf(attempts);
  }

  /** The catalog name of the model that actually answered. */
  public String servedModel() {
    return served.model();
  }
}
