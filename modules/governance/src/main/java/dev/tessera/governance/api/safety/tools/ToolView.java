package dev.tessera.governance.api.safety.tools;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A registered tool as its tenant sees it. */
public record ToolView(
    UUID id,
    String name,
    String description,
    String kind,
    String url,
    String undoUrl,
    String builtin,
    String argumentsSchema,
    boolean sensitive,
    List<String> roles,
    String changeWindow,
    int undoWindowSeconds,
    Integer perKeyPerMinute,
    Instant createdAt) {}
