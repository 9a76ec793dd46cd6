package dev.tessera.governance.api;

import java.util.List;

/**
 * What a good answer to a golden case has: texts it contains and excludes (case-insensitive), a
 * JSON Schema it is valid against, citations of evidence ({@code [1]}-style markers), a refusal,
 * and at most so many completion tokens. Absent properties are not checked.
 */
public record EvalExpectations(
    List<String> contains,
    List<String> excludes,
    String jsonSchema,
    Boolean citesEvidence,
    Boolean refusal,
    Integer maxTokens) {}
