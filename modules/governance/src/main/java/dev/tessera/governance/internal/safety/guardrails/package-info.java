/**
 * Guardrail checks that need no model: prompt-injection and jailbreak detection, denied topics and
 * policy terms, JSON Schema validity of answers, and lexical groundedness against evidence.
 */
package dev.tessera.governance.internal.safety.guardrails;
