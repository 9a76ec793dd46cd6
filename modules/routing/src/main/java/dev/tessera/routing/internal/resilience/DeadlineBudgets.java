package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.Deadline;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How long a request may take, per surface ({@code interactive}, {@code batch}, {@code
 * embeddings}...). Surfaces not listed get the interactive budget, the one a person waits on.
 */
public record DeadlineBudgets(Duration interactive, Map<String, Duration> bySurface) {
  public static final String INTERACTIVE = "interactive";
  public static final DeadlineBudgets DEFAULT =
      new DeadlineBudgets(Duration.ofSeconds(30), Map.of());

  public DeadlineBudgets {
    Objects.requireNonNull(interactive, "interactive");
    bySurface = bySurface == null ? Map.of() : Map.copyOf(bySurface);
  }

  public Duration budgetFor(String surface) {
    return bySurface.getOrDefault(surface, interactive);
  }

  /** A deadline starting now for a request on {@code surface}. */
  public Deadline startFor(String surface) {
    return Deadline.after(budgetFor(surface));
  }
}
