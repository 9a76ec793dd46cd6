package dev.tessera.governance.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Recorded feedback, with the prompt version and model of the answer it is about. */
public record FeedbackView(
    UUID id,
    String requestId,
    Integer rating,
    String thumb,
    String comment,
    List<String> tags,
    String promptName,
    Integer promptVersion,
    String model,
    Instant createdAt) {}
