package dev.tessera.governance.api.safety;

/** What a guardrail does with what it finds: nothing, record it, or refuse the call. */
public enum CheckMode {
  OFF,
  MONITOR,
  BLOCK
}
