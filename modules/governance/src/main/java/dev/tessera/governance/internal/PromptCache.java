package dev.tessera.governance.internal;

import java.util.Optional;

/**
 * Resolved prompt versions, as JSON text by key, shared by every instance when the platform is
 * clustered: a label's entry is evicted on every move of that label.
 */
interface PromptCache {
  Optional<String> get(String key);

  void put(String key, String value);

  void evict(String key);

  /** What backs it, for the start-up log. */
  String describe();
}
