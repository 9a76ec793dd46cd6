/**
 * Safety in the request path (issue 10): PII masking before anything leaves for a provider, input
 * and output guardrails, and the verdicts they reach. Routing calls {@link
 * dev.tessera.governance.api.safety.Safety} once per request; the decision log records {@link
 * dev.tessera.governance.api.safety.SafetyVerdicts}, which never carry the values they found.
 */
package dev.tessera.governance.api.safety;
