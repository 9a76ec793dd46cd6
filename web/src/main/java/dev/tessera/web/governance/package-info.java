/**
 * Governance's admin API (audit log, prompt registry, decision log, evals) and the hooks that feed
 * the audit log from every other admin action.
 */
package dev.tessera.web.governance;
