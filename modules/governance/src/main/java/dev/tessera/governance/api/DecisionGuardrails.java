package dev.tessera.governance.api;

import dev.tessera.governance.api.safety.SafetyVerdict;
import java.util.List;
import java.util.Map;

/**
 * What safety decided about a recorded request: {@code verdict} ({@code blocked} when a block-mode
 * check refused it, {@code flagged} when a check found something it only reports, else {@code
 * passed}), every check that ran with its mode and reason, and how many values of each PII kind
 * were found. Kinds and counts only, never a value.
 */
public record DecisionGuardrails(
    String verdict, List<SafetyVerdict> checks, Map<String, Integer> pii) {}
