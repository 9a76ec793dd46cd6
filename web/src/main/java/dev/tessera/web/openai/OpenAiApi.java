package dev.tessera.web.openai;

import dev.tessera.web.platform.AdmissionFilter;
import dev.tessera.web.platform.BodyLimit;
import dev.tessera.web.platform.RequestMetrics;
import dev.tessera.web.telemetry.InferenceTracing;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
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
        ToolCallsResource.class,
        FeedbackResource.class,
        dev.tessera.web.retrieval.RetrievalResource.class,
        OpenAiErrors.class,
        BodyLimit.class,
        AdmissionFilter.class,
        IdempotencyFilter.class,
        RequestMetrics.class,
        InferenceTracing.class,
        InferenceTracing.AdmissionStart.class,
        InferenceTracing.AdmissionEnd.class);
  }

  /**
   * No response buffering: Jersey otherwise holds the first 8 KB of every entity to compute a
   * Content-Length and ignores flushes until then, which would deliver a streamed answer shorter
   * than that in one piece at its end (and hide a client that hung up until then).
   */
  @Override
  public Map<String, Object> getProperties() {
    return Map.of("jersey.config.server.contentLength.buffer", 0);
  }
}
