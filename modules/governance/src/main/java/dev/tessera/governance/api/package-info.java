/**
 * Public face of governance: what other modules may use to screen inputs and outputs and to record
 * decisions. The prompt registry, audit trail and guardrails arrive with their issues.
 */
package dev.tessera.governance.api;
