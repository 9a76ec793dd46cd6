package dev.tessera.governance.api;

import jakarta.json.JsonObject;

/** A chat request body with its prompt rendered in, and which version that was. */
public record AppliedPrompt(JsonObject body, ResolvedPrompt served) {}
