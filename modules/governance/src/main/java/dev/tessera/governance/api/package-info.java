/**
 * Public face of governance: the audit log ({@link dev.tessera.governance.api.AuditLog}), the
 * prompt registry ({@link dev.tessera.governance.api.Prompts}), the decision log ({@link
 * dev.tessera.governance.api.DecisionLog}), feedback and golden evals. Sub-package {@code safety}
 * belongs to PII masking and guardrails.
 */
package dev.tessera.governance.api;
