package dev.tessera.governance.api.safety;

import java.util.List;

/**
 * One request's safety state: the placeholders it issued (so the answer can be restored), the
 * evidence it saw, and the verdicts so far. Not thread-safe across requests; one per request.
 */
public interface SafetyScreen {
  /**
   * Outbound {@code text} as it may leave for a provider: PII masked or redacted per the tenant's
   * policy; PII whose action is BLOCK and input guardrails are noted and decided by {@link
   * #admit()}. Returns {@code text} itself when nothing changed.
   */
  String outbound(String text, TextSource source);

  /**
   * Decides the input once every outbound text went through {@link #outbound}: throws {@link
   * SafetyBlockedException} when PII with action BLOCK was found or a block-mode input check
   * flagged.
   */
  void admit();

  /**
   * A complete answer as the caller may see it: placeholders restored, output checks run (PII
   * leakage, policy terms, groundedness); throws {@link SafetyBlockedException} when a block-mode
   * check flags.
   */
  String answer(String text);

  /** {@code text} with this request's placeholders restored, no checks (e.g. tool arguments). */
  String restore(String text);

  /** Restores placeholders in a streamed answer, holding back a placeholder split across chunks. */
  StreamRestorer streamRestorer();

  /**
   * Errors of {@code answer} against a JSON Schema (JSON text), empty when valid or when the {@code
   * json_schema} check is off. Records the verdict.
   */
  List<String> jsonSchemaErrors(String answer, String schemaJson);

  /** The mode the tenant's policy gives {@code check}. */
  CheckMode mode(String check);

  /**
   * Records the verdict of a check run outside the screen (e.g. the gateway validating the tool
   * calls a model proposed) in the mode the policy gives {@code check}; a flagged check in block
   * mode throws {@link SafetyBlockedException}.
   */
  void judge(String check, boolean flagged, String reason);

  /** Records a block-mode verdict of {@code check} and throws {@link SafetyBlockedException}. */
  RuntimeException refuse(String check, String reason);

  /** True when the policy has nothing to do for this request's text (MASK issued nothing). */
  boolean restoresNothing();

  /** Everything decided so far, for the decision log (the gateway hands it to the caller). */
  SafetyVerdicts verdicts();

  /**
   * Ends the screen: when anything was found or flagged, its {@link SafetyVerdicts} are fired as a
   * CDI event, for whoever observes them. Called once per request; later calls do nothing.
   */
  void finish();
}
