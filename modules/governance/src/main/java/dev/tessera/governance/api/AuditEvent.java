package dev.tessera.governance.api;

/**
 * One admin action or credit movement to record: what was done ({@code prompt.label.moved}), to
 * what, its state before and after as JSON objects (null when there is none), and a reference such
 * as a credit event id or request id.
 */
public record AuditEvent(
    String action,
    String targetType,
    String targetId,
    String beforeJson,
    String afterJson,
    String reference) {
  public AuditEvent {
    if (action == null || action.isBlank()) {
      throw new IllegalArgumentException("an audit event needs an action");
    }
  }
}
