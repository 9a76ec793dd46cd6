package dev.tessera.governance.api.safety;

import dev.tessera.tenancy.api.TesseraException;
import java.util.List;

/**
 * A call refused by safety before (or instead of) being answered: names the check, why, and for PII
 * the entity kinds, never the values. Nothing is charged for it.
 */
public class SafetyBlockedException extends TesseraException {
  private final String check;
  private final List<String> entityTypes;

  public SafetyBlockedException(String check, String reason, List<String> entityTypes) {
    super(422, "safety-blocked", reason);
    this.check = check;
    this.entityTypes = List.copyOf(entityTypes);
  }

  /** The check that refused, e.g. {@code pii} or {@code prompt_injection}. */
  public String check() {
    return check;
  }

  /** For {@code pii}: the kinds found whose action is BLOCK (e.g. {@code US_SSN}). */
  public List<String> entityTypes() {
    return entityTypes;
  }
}
