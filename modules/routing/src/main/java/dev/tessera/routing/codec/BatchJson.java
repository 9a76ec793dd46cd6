package dev.tessera.routing.codec;

import dev.tessera.routing.api.BatchLineResult;
import dev.tessera.routing.api.BatchPage;
import dev.tessera.routing.api.BatchView;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.time.Instant;

/**
 * Batch jobs and their results in the shapes of OpenAI's Batch API: the {@code batch} object (as
 * the API answers and as the webhook receives it), the list, and one line of the output JSONL.
 */
public final class BatchJson {
  private static final JsonProvider JSON = JsonProvider.provider();

  private BatchJson() {}

  public static JsonObject batch(BatchView b) {
    JsonObjectBuilder o =
        JSON.createObjectBuilder()
            .add("id", b.id())
            .add("object", "batch")
            .add("endpoint", b.endpoint())
            .add("status", b.status())
            .add("completion_window", b.completionWindow())
            .addNull("input_file_id")
            .addNull("output_file_id")
            .addNull("error_file_id");
    if (b.errorCode() == null) {
      o.addNull("errors");
    } else {
      o.add(
          "errors",
          JSON.createObjectBuilder()
              .add("object", "list")
              .add(
                  "data",
                  JSON.createArrayBuilder()
                      .add(
                          JSON.createObjectBuilder()
                              .add("code", b.errorCode())
                              .add("message", String.valueOf(b.errorMessage()))
                              .addNull("param")
                              .addNull("line"))));
    }
    epoch(o, "created_at", b.createdAt());
    epoch(o, "in_progress_at", b.inProgressAt());
    epoch(o, "expires_at", b.expiresAt());
    epoch(o, "completed_at", "completed".equals(b.status()) ? b.finishedAt() : null);
    epoch(o, "failed_at", "failed".equals(b.status()) ? b.finishedAt() : null);
    epoch(o, "cancelled_at", "cancelled".equals(b.status()) ? b.finishedAt() : null);
    epoch(o, "expired_at", "expired".equals(b.status()) ? b.finishedAt() : null);
    o.add(
        "request_counts",
        JSON.createObjectBuilder()
            .add("total", b.total())
            .add("completed", b.completed())
            .add("failed", b.failed()));
    JsonObjectBuilder metadata = JSON.createObjectBuilder();
    b.metadata().forEach(metadata::add);
    o.add("metadata", metadata);
    if (b.webhookUrl() == null) {
      o.addNull("webhook_url");
    } else {
      o.add("webhook_url", b.webhookUrl());
    }
    return o.build();
  }

  /** A page as OpenAI lists: {@code first_id}, {@code last_id}, {@code has_more}. */
  public static JsonObject list(BatchPage page) {
    JsonArrayBuilder data = JSON.createArrayBuilder();
    page.data().forEach(b -> data.add(batch(b)));
    JsonObjectBuilder o = JSON.createObjectBuilder().add("object", "list").add("data", data);
    if (page.data().isEmpty()) {
      o.addNull("first_id").addNull("last_id");
    } else {
      o.add("first_id", page.data().get(0).id())
          .add("last_id", page.data().get(page.data().size() - 1).id());
    }
    return o.add("has_more", page.hasMore()).build();
  }

  /**
   * One line of the output: {@code {"id","custom_id","response":{"status_code","request_id",
   * "body"},"error"}}, with {@code response} null when the line has no model answer.
   */
  public static JsonObject resultLine(String batchId, BatchLineResult r) {
    JsonObjectBuilder o =
        JSON.createObjectBuilder()
            .add("id", batchId.replaceFirst("^batch_", "batch_req_") + "_" + r.line())
            .add("custom_id", r.customId());
    if (r.succeeded()) {
      JsonObject body;
      try (JsonReader reader = JSON.createReader(new StringReader(r.responseBody()))) {
        body = reader.readObject();
      }
      o.add(
          "response",
          JSON.createObjectBuilder()
              .add("status_code", r.statusCode())
              .add("request_id", String.valueOf(r.requestId()))
              .add("body", body));
      o.addNull("error");
    } else {
      o.addNull("response");
      o.add(
          "error",
          JSON.createObjectBuilder()
              .add("code", String.valueOf(r.errorCode()))
              .add("message", String.valueOf(r.errorMessage()))
              .add("status_code", r.statusCode()));
    }
    return o.build();
  }

  private static void epoch(JsonObjectBuilder o, String name, Instant at) {
    if (at == null) {
      o.addNull(name);
    } else {
      o.add(name, at.getEpochSecond());
    }
  }
}
