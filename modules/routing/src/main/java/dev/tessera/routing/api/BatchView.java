package dev.tessera.routing.api;

import java.time.Instant;
import java.util.Map;

/**
 * A batch job as its owner sees it: status ({@code in_progress}, {@code completed}, {@code failed},
 * {@code cancelled}, {@code expired}), line counts, and, when it failed as a whole, why.
 */
public record BatchView(
    String id,
    String endpoint,
    String status,
    String completionWindow,
    int total,
    int completed,
    int failed,
    Map<String, String> metadata,
    String webhookUrl,
    String errorCode,
    String errorMessage,
    Instant createdAt,
    Instant inProgressAt,
    Instant finishedAt,
    Instant expiresAt) {

  /** Whether the job will change no more. */
  public boolean finished() {
    return !"in_progress".equals(status);
  }
}
