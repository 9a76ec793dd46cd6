package dev.tessera.web.openai;

import dev.tessera.web.platform.AdmissionFilter;
import dev.tessera.web.platform.BodyLimit;
import dev.tessera.web.platform.RequestMetrics;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The OpenAI-compatible API under /v1, with OpenAI's error shape instead of problem+json. */
@ApplicationPath("v1")
public class OpenAiApi extends Application {
  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(
        ChatCompletionsResource.class,
        BatchesResource.class,
        EmbeddingsResource.class,
        ModelsResource.class,
        MessagesResource.class,
        OpenAiErrors.class,
        BodyLimit.class,
        AdmissionFilter.class,
        IdempotencyFilter.class,
        RequestMetrics.class);
  }
}
