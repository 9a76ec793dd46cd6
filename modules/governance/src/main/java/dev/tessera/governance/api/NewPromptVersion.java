package dev.tessera.governance.api;

import java.util.List;

/**
 * A new version's content: the template (for {@code chat} prompts a JSON array of {@code
 * {"role","content"}} messages, for {@code text} prompts a JSON string), its variables, the model
 * config travelling with it (a JSON object: model, temperature, top_p, max_tokens, response_format,
 * tools, tool_choice, seed, stop) and a note on what changed.
 */
public record NewPromptVersion(
    String templateJson, List<PromptVariable> variables, String configJson, String message) {}
