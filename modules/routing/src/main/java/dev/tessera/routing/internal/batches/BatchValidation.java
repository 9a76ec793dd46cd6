package dev.tessera.routing.internal.batches;

import dev.tessera.routing.api.BatchRequestLine;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.NewBatch;
import dev.tessera.routing.codec.OpenAiRequests;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks a submitted batch completely before anything is written: the endpoint, the window, the
 * number and size of lines, unique custom ids, every body a valid non-streaming chat request and
 * the metadata. The first problem is a 400 naming the field. The webhook URL is judged by {@code
 * WebhookTargets}.
 */
final class BatchValidation {
  static final String ENDPOINT = "/v1/chat/completions";
  static final String WINDOW = "24h";
  private static final JsonProvider JSON = JsonProvider.provider();

  private BatchValidation() {}

  /** The batch with defaults filled in, or an {@link InvalidInputException}. */
  static NewBatch check(NewBatch b, int maxLines, int maxLineBytes) {
    String endpoint = b.endpoint() == null ? ENDPOINT : b.endpoint();
    if (!ENDPOINT.equals(endpoint)) {
      throw InvalidInputException.field("endpoint", "only " + ENDPOINT + " is supported");
    }
    String window = b.completionWindow() == null ? WINDOW : b.completionWindow();
    if (!WINDOW.equals(window)) {
      throw InvalidInputException.field("completion_window", "must be 24h");
    }
    if (b.requests().isEmpty()) {
      throw InvalidInputException.field("requests", "must contain at least one request");
    }
    if (b.requests().size() > maxLines) {
      throw InvalidInputException.field(
          "requests",
          "at most " + maxLines + " requests per batch (got " + b.requests().size() + ")");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < b.requests().size(); i++) {
      line(b.requests().get(i), "requests[" + i + "]", maxLineBytes, ids);
    }
    metadata(b.metadata());
    return new NewBatch(endpoint, window, b.requests(), b.metadata(), b.webhookUrl());
  }

  private static void line(BatchRequestLine line, String path, int maxBytes, Set<String> ids) {
    String id = line.customId();
    if (id == null || id.isBlank() || id.length() > 512) {
      throw InvalidInputException.field(path + ".custom_id", "must be 1-512 characters");
    }
    if (!ids.add(id)) {
      throw InvalidInputException.field(path + ".custom_id", "'" + id + "' is used twice");
    }
    String body = line.body();
    if (body == null || body.isBlank()) {
      throw InvalidInputException.field(path + ".body", "a chat completion request is required");
    }
    if (body.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw InvalidInputException.field(path + ".body", "larger than " + maxBytes + " bytes");
    }
    ChatRequest request;
    try {
      request = chat(body);
    } catch (InvalidInputException e) {
      String field = e.errors().isEmpty() ? "body" : e.errors().get(0).field();
      String why = e.errors().isEmpty() ? e.getMessage() : e.errors().get(0).message();
      throw InvalidInputException.field(
          field.equals("body") ? path + ".body" : path + ".body." + field, why);
    }
    if (request.stream()) {
      throw InvalidInputException.field(path + ".body.stream", "batch requests cannot stream");
    }
  }

  /** A stored line's body as the gateway's request (the same reading as the live endpoint). */
  static ChatRequest chat(String body) {
    JsonObject o;
    try (JsonReader r = JSON.createReader(new StringReader(body))) {
      o = r.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw InvalidInputException.field("body", "is not a JSON object");
    }
    return OpenAiRequests.chat(o);
  }

  private static void metadata(Map<String, String> metadata) {
    if (metadata.size() > 16) {
      throw InvalidInputException.field("metadata", "at most 16 keys");
    }
    metadata.forEach(
        (k, v) -> {
          if (k.isEmpty() || k.length() > 64 || v == null || v.length() > 512) {
            throw InvalidInputException.field(
                "metadata", "keys are 1-64 characters, values strings of at most 512");
          }
        });
  }
}
