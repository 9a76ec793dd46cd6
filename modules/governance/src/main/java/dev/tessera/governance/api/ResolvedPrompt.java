package dev.tessera.governance.api;

/** The version a call was served: which prompt and version, and the label (null: by version). */
public record ResolvedPrompt(String name, int version, String label) {}
