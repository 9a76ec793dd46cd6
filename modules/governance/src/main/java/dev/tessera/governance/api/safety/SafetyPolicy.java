package dev.tessera.governance.api.safety;

import java.util.List;
import java.util.Map;

/**
 * A tenant's safety policy as its admin sets it. {@code pii}: action per entity kind (kinds not
 * named keep the default, MASK); {@code phoneRegions}: ISO regions whose national phone formats are
 * recognised; {@code dictionaries}: the tenant's own entity kinds and their terms (names, project
 * code words); {@code checks}: mode per guardrail (see {@link SafetyChecks}); {@code deniedTopics}
 * and {@code policyTerms} feed the checks of those names.
 */
public record SafetyPolicy(
    Map<String, PiiAction> pii,
    List<String> phoneRegions,
    Map<String, List<String>> dictionaries,
    Map<String, CheckMode> checks,
    List<DeniedTopic> deniedTopics,
    List<String> policyTerms) {

  /** A topic the tenant's models must not discuss, recognised by any of its keywords. */
  public record DeniedTopic(String name, List<String> keywords) {
    public DeniedTopic {
      keywords = keywords == null ? List.of() : List.copyOf(keywords);
    }
  }

  public SafetyPolicy {
    pii = pii == null ? Map.of() : Map.copyOf(pii);
    phoneRegions = phoneRegions == null ? List.of() : List.copyOf(phoneRegions);
    dictionaries = dictionaries == null ? Map.of() : Map.copyOf(dictionaries);
    checks = checks == null ? Map.of() : Map.copyOf(checks);
    deniedTopics = deniedTopics == null ? List.of() : List.copyOf(deniedTopics);
    policyTerms = policyTerms == null ? List.of() : List.copyOf(policyTerms);
  }

  /** What a tenant without a stored policy gets: mask every built-in kind, monitor injection. */
  public static final SafetyPolicy DEFAULT = new SafetyPolicy(null, null, null, null, null, null);
}
