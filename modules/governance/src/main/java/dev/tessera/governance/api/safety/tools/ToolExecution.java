package dev.tessera.governance.api.safety.tools;

import java.time.Instant;
import java.util.UUID;

/**
 * One execution of a tool, or a request for one: {@code status} is {@code pending_approval}, {@code
 * approved}, {@code executed}, {@code failed}, {@code undone} or {@code dry_run} (never stored);
 * {@code preview} says what it does (or did); {@code result} is what the tool answered.
 */
public record ToolExecution(
    UUID id,
    String tool,
    String status,
    String arguments,
    String preview,
    String result,
    String idempotencyKey,
    String requestedBy,
    String approvedBy,
    Instant createdAt,
    Instant undoUntil) {}
