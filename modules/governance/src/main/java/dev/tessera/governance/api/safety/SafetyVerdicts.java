package dev.tessera.governance.api.safety;

import dev.tessera.tenancy.api.TenantId;
import java.util.List;
import java.util.Map;

/**
 * Everything safety decided about one request, for the decision log: the verdicts of each check
 * that ran, and how many values of each PII kind were masked, redacted or blocked. Carries entity
 * kinds and counts only, never a value, so it may be stored and shown as it is.
 */
public record SafetyVerdicts(
    TenantId tenant,
    String requestId,
    List<SafetyVerdict> verdicts,
    Map<String, Integer> piiCounts) {
  public SafetyVerdicts {
    verdicts = List.copyOf(verdicts);
    piiCounts = Map.copyOf(piiCounts);
  }

  /** True when no check flagged anything and no PII was found. */
  public boolean clean() {
    return piiCounts.isEmpty() && verdicts.stream().noneMatch(SafetyVerdict::flagged);
  }
}
