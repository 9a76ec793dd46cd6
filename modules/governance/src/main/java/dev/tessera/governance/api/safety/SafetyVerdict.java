package dev.tessera.governance.api.safety;

import java.util.Objects;

/**
 * One check's verdict on one request: {@code check} (e.g. {@code pii}, {@code prompt_injection},
 * {@code json_schema}), the mode it ran in, whether it found something, and a reason that names
 * kinds and counts, never the text it matched.
 */
public record SafetyVerdict(String check, CheckMode mode, boolean flagged, String reason) {
  public SafetyVerdict {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(mode, "mode");
    reason = reason == null ? "" : reason;
  }

  /** Flagged by a check in block mode: the call is refused. */
  public boolean blocks() {
    return flagged && mode == CheckMode.BLOCK;
  }
}
