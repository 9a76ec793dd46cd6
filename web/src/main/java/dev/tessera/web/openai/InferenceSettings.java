package dev.tessera.web.openai;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings of the /v1 request path, read once at start: injecting a config property into a
 * request-scoped bean costs a producer call on every request.
 */
@ApplicationScoped
public class InferenceSettings {
  @Inject
  @ConfigProperty(name = "tessera.gateway.interactive-deadline", defaultValue = "PT30S")
  String interactiveDeadline;

  private Duration deadline;

  @PostConstruct
  void parse() {
    deadline = Duration.parse(interactiveDeadline);
  }

  /** How long an interactive call may take in all, retries and fallback included. */
  Duration interactiveDeadline() {
    return deadline;
  }
}
