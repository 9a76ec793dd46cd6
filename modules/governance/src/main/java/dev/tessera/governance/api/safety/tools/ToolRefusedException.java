package dev.tessera.governance.api.safety.tools;

import dev.tessera.tenancy.api.TesseraException;

/**
 * A tool call a policy gate refused: 403 (role, change window, sensitive tool without an approval,
 * an approver approving their own request), 409 (undo window passed, approval already used) or 429
 * (the key's per-minute cap).
 */
public class ToolRefusedException extends TesseraException {
  public ToolRefusedException(int status, String type, String message) {
    super(status, type, message);
  }
}
