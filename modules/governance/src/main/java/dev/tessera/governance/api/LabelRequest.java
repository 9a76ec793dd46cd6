package dev.tessera.governance.api;

import java.time.Instant;
import java.util.UUID;

/** A proposed move of a protected label and, once decided, who decided it and why. */
public record LabelRequest(
    UUID id,
    String prompt,
    String label,
    int version,
    String status,
    String proposedBy,
    Instant proposedAt,
    String decidedBy,
    Instant decidedAt,
    String reason) {}
