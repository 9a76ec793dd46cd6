package dev.tessera.governance.api.safety.tools;

import java.util.List;

/**
 * A tool as its tenant admin registers it. {@code kind}: {@code http} (POSTs to {@code url}, undo
 * to {@code undoUrl}) or {@code builtin} ({@code builtin} names it, e.g. {@code kv.set}); {@code
 * argumentsSchema}: JSON Schema text for the arguments; {@code roles}: roles a caller needs (any of
 * them; empty: anyone of the tenant); {@code changeWindow}: when it may run, e.g. {@code MON-FRI
 * 09:00-17:00} (UTC; null: always); {@code undoWindowSeconds}: how long an execution may be undone
 * (0: never); {@code perKeyPerMinute}: executions one key may start a minute (null: no cap).
 */
public record NewTool(
    String name,
    String description,
    String kind,
    String url,
    String undoUrl,
    String builtin,
    String argumentsSchema,
    boolean sensitive,
    List<String> roles,
    String changeWindow,
    Integer undoWindowSeconds,
    Integer perKeyPerMinute) {
  public NewTool {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }
}
