package dev.tessera.governance.api;

/**
 * A tenant's governance choices: whether prompt text is stored in the decision log (false: only its
 * hash), how many days decisions are kept, and the eval pass rate (percent) below which promotions
 * to production are refused (null: only "not worse than the current version").
 */
public record GovernanceSettings(
    boolean storePrompts, int decisionRetentionDays, Integer minEvalPassRate) {
  public static final GovernanceSettings DEFAULTS = new GovernanceSettings(true, 30, null);
}
