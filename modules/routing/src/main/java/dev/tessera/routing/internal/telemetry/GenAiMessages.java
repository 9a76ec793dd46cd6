package dev.tessera.routing.internal.telemetry;

import dev.tessera.governance.api.safety.TextSource;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;
import java.util.List;

/**
 * The message attributes of the OpenTelemetry GenAI conventions, {@code gen_ai.input.messages} and
 * {@code gen_ai.output.messages}: JSON arrays of {@code {"role",
 * "parts":[{"type":"text","content"}]}}. Built only for tenants that opted in to content in traces,
 * from text as it left for the provider.
 */
final class GenAiMessages {
  private static final JsonProvider JSON = JsonProvider.provider();

  /** One outbound text and where it came from. */
  record Text(TextSource source, String content) {}

  private GenAiMessages() {}

  static String role(TextSource source) {
    return switch (source) {
      case SYSTEM, DOCUMENT -> "system";
      case USER -> "user";
      case ASSISTANT -> "assistant";
      case TOOL_RESULT -> "tool";
      default -> null; // embeddings input and metadata are not messages
    };
  }

  static String input(List<Text> texts) {
    JsonArrayBuilder out = JSON.createArrayBuilder();
    for (Text t : texts) {
      String role = role(t.source());
      if (role != null) {
        out.add(message(role, t.content()));
      }
    }
    return out.build().toString();
  }

  static String output(List<String> answers) {
    JsonArrayBuilder out = JSON.createArrayBuilder();
    for (String a : answers) {
      out.add(message("assistant", a));
    }
    return out.build().toString();
  }

  private static jakarta.json.JsonObject message(String role, String text) {
    return JSON.createObjectBuilder()
        .add("role", role)
        .add(
            "parts",
            JSON.createArrayBuilder()
                .add(JSON.createObjectBuilder().add("type", "text").add("content", text)))
        .build();
  }
}
