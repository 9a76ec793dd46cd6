package dev.tessera.web.openai;

import dev.tessera.routing.api.BatchRequestLine;
import dev.tessera.routing.api.NewBatch;
import dev.tessera.routing.codec.OpenAiRequests;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a batch submission: a JSON object with the request lines inline ({@code requests}), or a
 * JSONL file of OpenAI batch input lines ({@code {"custom_id","method","url","body"}}, one per
 * line). This checks the shape; the batch service checks the content (limits, each body).
 */
final class BatchRequests {
  static final String DEFAULT_ENDPOINT = "/v1/chat/completions";
  private static final JsonProvider JSON = JsonProvider.provider();

  private BatchRequests() {}

  /** A JSON object body. */
  static NewBatch fromObject(JsonObject o) {
    if (o.containsKey("input_file_id")) {
      throw InvalidInputException.field(
          "input_file_id", "files are not supported: send the lines as 'requests' or as JSONL");
    }
    String endpoint = OpenAiRequests.string(o, "endpoint", false);
    endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
    JsonValue requests = o.get("requests");
    if (!(requests instanceof JsonArray lines)) {
      throw InvalidInputException.field("requests", "an array of requests is required");
    }
    List<BatchRequestLine> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      out.add(line(lines.get(i), "requests[" + i + "]", endpoint));
    }
    return new NewBatch(
        endpoint,
        OpenAiRequests.string(o, "completion_window", false),
        out,
        metadata(o.get("metadata")),
        OpenAiRequests.string(o, "webhook_url", false));
  }

  /** A JSONL body: one input line per line, blank lines skipped. */
  static NewBatch fromJsonl(String body, String webhookUrl) {
    List<BatchRequestLine> out = new ArrayList<>();
    String endpoint = null;
    String[] lines = body == null ? new String[0] : body.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String path = "line " + (i + 1);
      JsonObject o;
      try (JsonReader r = JSON.createReader(new StringReader(lines[i]))) {
        o = r.readObject();
      } catch (JsonException | IllegalStateException e) {
        throw InvalidInputException.field(path, "is not a JSON object");
      }
      if (endpoint == null) {
        String url = OpenAiRequests.string(o, "url", false);
        endpoint = url == null ? DEFAULT_ENDPOINT : url;
      }
      out.add(line(o, path, endpoint));
    }
    return new NewBatch(endpoint, null, out, Map.of(), webhookUrl);
  }

  private static BatchRequestLine line(JsonValue v, String path, String endpoint) {
    JsonObject o = OpenAiRequests.object(v, path);
    String customId = OpenAiRequests.string(o, "custom_id", false);
    if (customId == null) {
      throw InvalidInputException.field(path + ".custom_id", "is required");
    }
    String method = OpenAiRequests.string(o, "method", false);
    if (method != null && !method.equals("POST")) {
      throw InvalidInputException.field(path + ".method", "must be POST");
    }
    String url = OpenAiRequests.string(o, "url", false);
    if (url != null && !url.equals(endpoint)) {
      throw InvalidInputException.field(path + ".url", "every line must call " + endpoint);
    }
    if (!(o.get("body") instanceof JsonObject body)) {
      throw InvalidInputException.field(path + ".body", "a JSON object is required");
    }
    return new BatchRequestLine(customId, body.toString());
  }

  private static Map<String, String> metadata(JsonValue v) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
      return out;
    }
    if (!(v instanceof JsonObject o)) {
      throw InvalidInputException.field("metadata", "must be an object of strings");
    }
    o.forEach(
        (k, value) -> {
          if (!(value instanceof JsonString s)) {
            throw InvalidInputException.field("metadata." + k, "must be a string");
          }
          out.put(k, s.getString());
        });
    return out;
  }
}
