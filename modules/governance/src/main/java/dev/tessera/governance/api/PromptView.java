package dev.tessera.governance.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A prompt: its labels (label → version, {@code latest} included), which labels need an approval to
 * move, and its traffic split, if any.
 */
public record PromptView(
    UUID id,
    String name,
    String kind,
    String description,
    List<String> protectedLabels,
    int latestVersion,
    Map<String, Integer> labels,
    TrafficSplit traffic,
    String createdBy,
    Instant createdAt) {}
