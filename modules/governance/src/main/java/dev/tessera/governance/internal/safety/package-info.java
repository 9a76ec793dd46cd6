/**
 * Safety's implementation: the per-request screen ({@code RequestScreen}), the stored policies, and
 * below it the PII recognizers ({@code pii}) and the guardrail checks ({@code guardrails}).
 */
package dev.tessera.governance.internal.safety;
