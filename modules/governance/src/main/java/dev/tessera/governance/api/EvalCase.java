package dev.tessera.governance.api;

import java.util.UUID;

/** A golden case of a prompt: the variables it is called with and what its answer must have. */
public record EvalCase(UUID id, String name, String variablesJson, EvalExpectations expect) {}
