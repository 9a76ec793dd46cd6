package dev.tessera.governance.internal.safety;

import dev.tessera.governance.api.safety.CheckMode;
import dev.tessera.governance.api.safety.PiiAction;
import dev.tessera.governance.api.safety.SafetyChecks;
import dev.tessera.governance.api.safety.SafetyPolicy;
import dev.tessera.governance.internal.safety.guardrails.TermMatcher;
import dev.tessera.governance.internal.safety.pii.PiiScanner;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A tenant's policy made ready for the request path: defaults filled in, patterns compiled. */
final class CompiledPolicy {
  /** The mode of each check when a policy does not set one. */
  static final Map<String, CheckMode> DEFAULT_MODES =
      Map.of(
          SafetyChecks.PROMPT_INJECTION, CheckMode.MONITOR,
          SafetyChecks.DENIED_TOPICS, CheckMode.BLOCK,
          SafetyChecks.OUTPUT_PII, CheckMode.MONITOR,
          SafetyChecks.POLICY_TERMS, CheckMode.BLOCK,
          SafetyChecks.JSON_SCHEMA, CheckMode.MONITOR,
          SafetyChecks.GROUNDEDNESS, CheckMode.OFF,
          SafetyChecks.TOOL_ARGUMENTS, CheckMode.MONITOR);

  final SafetyPolicy source;
  final Map<String, PiiAction> actions;
  final PiiScanner scanner;
  final Map<String, CheckMode> modes;
  final TermMatcher deniedTopics;
  final TermMatcher policyTerms;

  CompiledPolicy(SafetyPolicy p) {
    source = p;
    Map<String, PiiAction> a = new HashMap<>();
    for (String type : PiiScanner.BUILT_IN_TYPES) {
      a.put(type, p.pii().getOrDefault(type, PiiAction.MASK));
    }
    for (String type : p.dictionaries().keySet()) {
      a.put(type, p.pii().getOrDefault(type, PiiAction.MASK));
    }
    actions = Map.copyOf(a);
    Set<String> enabled = new HashSet<>();
    actions.forEach(
        (type, action) -> {
          if (action != PiiAction.ALLOW) {
            enabled.add(type);
          }
        });
    scanner = new PiiScanner(enabled, p.phoneRegions(), p.dictionaries());
    Map<String, CheckMode> m = new HashMap<>(DEFAULT_MODES);
    m.putAll(p.checks());
    modes = Map.copyOf(m);
    Map<String, List<String>> topics = new java.util.LinkedHashMap<>();
    p.deniedTopics().forEach(t -> topics.put(t.name(), t.keywords()));
    deniedTopics = new TermMatcher(topics);
    policyTerms = new TermMatcher(Map.of("policy_term", p.policyTerms()));
  }

  CheckMode mode(String check) {
    return modes.getOrDefault(check, CheckMode.OFF);
  }
}
