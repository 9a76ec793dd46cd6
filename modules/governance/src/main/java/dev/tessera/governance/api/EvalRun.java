package dev.tessera.governance.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A run of one prompt version against its golden cases: progress ({@code done} of {@code total}),
 * how many passed, and per-case results once known.
 */
public record EvalRun(
    UUID id,
    String prompt,
    int version,
    String status,
    int total,
    int done,
    int passed,
    Integer passRate,
    Instant startedAt,
    Instant finishedAt,
    List<Result> results) {
  /** One case's outcome and, when it failed, which expectations it missed. */
  public record Result(UUID caseId, boolean passed, List<String> failures, String output) {}
}
