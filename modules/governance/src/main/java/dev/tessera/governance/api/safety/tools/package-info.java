/**
 * Typed tools: a tenant's registry of tools with a JSON Schema for their arguments, policy gates
 * (roles, per-key rate, change windows, maker-checker for sensitive tools), idempotent execution,
 * dry runs and undo within a window. Tools are HTTP endpoints of the tenant (signed like webhooks,
 * same network rules) or built-ins.
 */
package dev.tessera.governance.api.safety.tools;
