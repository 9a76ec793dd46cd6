package dev.tessera.governance.api;

/**
 * Feedback aggregated per prompt version and model: how many, thumbs up and down, and the average
 * of the 1–5 ratings (null when there are none).
 */
public record FeedbackSummary(
    String promptName,
    Integer promptVersion,
    String model,
    long count,
    long thumbsUp,
    long thumbsDown,
    Double averageRating) {}
