package dev.tessera.routing.api;

import java.util.List;
import java.util.Map;

/**
 * A batch as submitted: the endpoint every line calls, the completion window, the request lines,
 * optional metadata and an optional webhook that receives the finished job.
 */
public record NewBatch(
    String endpoint,
    String completionWindow,
    List<BatchRequestLine> requests,
    Map<String, String> metadata,
    String webhookUrl) {
  public NewBatch {
    requests = requests == null ? List.of() : List.copyOf(requests);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
