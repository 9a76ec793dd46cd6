package dev.tessera.governance.api;

import java.util.List;

/** A new prompt and its first version; {@code protectedLabels} defaults to production. */
public record NewPrompt(
    String name,
    String kind,
    String description,
    List<String> protectedLabels,
    NewPromptVersion firstVersion) {}
