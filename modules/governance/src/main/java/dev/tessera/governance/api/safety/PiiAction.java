package dev.tessera.governance.api.safety;

/**
 * What happens to one kind of personal data on its way to a provider: replaced by a placeholder
 * restored in the answer ({@code MASK}, e.g. {@code <EMAIL_1>}), replaced for good ({@code
 * REDACT}), the call refused ({@code BLOCK}), or sent as is ({@code ALLOW}).
 */
public enum PiiAction {
  MASK,
  REDACT,
  BLOCK,
  ALLOW
}
