package dev.tessera.governance.api;

import java.time.Instant;
import java.util.List;

/** One immutable version of a prompt; template and config as JSON text. */
public record PromptVersionView(
    String prompt,
    int version,
    String template,
    List<PromptVariable> variables,
    String config,
    String message,
    String createdBy,
    Instant createdAt) {}
