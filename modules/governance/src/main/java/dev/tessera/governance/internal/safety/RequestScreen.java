package dev.tessera.governance.internal.safety;

import dev.tessera.governance.api.safety.CheckMode;
import dev.tessera.governance.api.safety.PiiAction;
import dev.tessera.governance.api.safety.SafetyBlockedException;
import dev.tessera.governance.api.safety.SafetyChecks;
import dev.tessera.governance.api.safety.SafetyScreen;
import dev.tessera.governance.api.safety.SafetyVerdict;
import dev.tessera.governance.api.safety.SafetyVerdicts;
import dev.tessera.governance.api.safety.StreamRestorer;
import dev.tessera.governance.api.safety.TextSource;
import dev.tessera.governance.internal.safety.guardrails.Groundedness;
import dev.tessera.governance.internal.safety.guardrails.InjectionDetector;
import dev.tessera.governance.internal.safety.guardrails.JsonSchemaCheck;
import dev.tessera.governance.internal.safety.pii.Finding;
import dev.tessera.governance.internal.safety.pii.Placeholders;
import dev.tessera.tenancy.api.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One request's screen: masks outbound text, remembers the placeholders to restore, collects
 * evidence for groundedness and the verdicts of every check. Never keeps or logs a matched value
 * beyond the placeholders' own map, which dies with the request.
 */
final class RequestScreen implements SafetyScreen {
  private static final Logger LOG = Logger.getLogger(RequestScreen.class.getName());
  static final InjectionDetector INJECTION = new InjectionDetector();
  static final JsonSchemaCheck JSON_SCHEMA = new JsonSchemaCheck();

  private final CompiledPolicy policy;
  private final TenantId tenant;
  private final String requestId;
  private final Consumer<SafetyVerdicts> publisher;
  private final Placeholders placeholders = new Placeholders();
  private Map<String, Integer> counts;
  private TreeSet<String> blockedTypes;
  private List<SafetyVerdict> verdicts;
  private StringBuilder evidence;
  private String injectionFamily;
  private int injectionTexts;
  private List<String> topics;
  private boolean finished;

  RequestScreen(
      CompiledPolicy policy,
      TenantId tenant,
      String requestId,
      Consumer<SafetyVerdicts> publisher) {
    this.policy = policy;
    this.tenant = tenant;
    this.requestId = requestId;
    this.publisher = publisher;
  }

  @Override
  public String outbound(String text, TextSource source) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    if (source == TextSource.USER || source.thirdParty()) {
      if (policy.mode(SafetyChecks.PROMPT_INJECTION) != CheckMode.OFF) {
        InjectionDetector.Result r = INJECTION.check(text, source.thirdParty());
        if (r.injection()) {
          injectionTexts++;
          injectionFamily =
              source.thirdParty() && injectionFamily == null
                  ? "indirect:" + r.family()
                  : r.family();
        }
      }
      if (source == TextSource.USER && policy.mode(SafetyChecks.DENIED_TOPICS) != CheckMode.OFF) {
        List<String> found = policy.deniedTopics.matches(text);
        if (!found.isEmpty()) {
          if (topics == null) {
            topics = new ArrayList<>();
          }
          found.stream().filter(t -> !topics.contains(t)).forEach(topics::add);
        }
      }
    }
    if ((source == TextSource.SYSTEM || source.thirdParty())
        && policy.mode(SafetyChecks.GROUNDEDNESS) != CheckMode.OFF) {
      if (evidence == null) {
        evidence = new StringBuilder();
      }
      evidence.append(text).append('\n');
    }
    List<Finding> findings = policy.scanner.scan(text);
    if (findings.isEmpty()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    int copied = 0;
    for (Finding f : findings) {
      PiiAction action = policy.actions.getOrDefault(f.type(), PiiAction.MASK);
      count(f.type());
      switch (action) {
        case MASK -> {
          out.append(text, copied, f.start())
              .append(placeholders.of(f.type(), text.substring(f.start(), f.end())));
          copied = f.end();
        }
        case REDACT -> {
          out.append(text, copied, f.start()).append('[').append(f.type()).append(']');
          copied = f.end();
        }
        case BLOCK -> {
          if (blockedTypes == null) {
            blockedTypes = new TreeSet<>();
          }
          blockedTypes.add(f.type());
        }
        case ALLOW -> {}
      }
    }
    return out.append(text, copied, text.length()).toString();
  }

  private void count(String type) {
    if (counts == null) {
      counts = new TreeMap<>();
    }
    counts.merge(type, 1, Integer::sum);
  }

  @Override
  public void admit() {
    if (blockedTypes != null) {
      List<String> types = List.copyOf(blockedTypes);
      record(
          new SafetyVerdict(
              SafetyChecks.PII, CheckMode.BLOCK, true, "found " + String.join(", ", types)));
      finish();
      throw new SafetyBlockedException(
          SafetyChecks.PII,
          "The request contains personal data this tenant's policy does not let leave: "
              + String.join(", ", types)
              + ". Remove it (or ask the tenant admin to mask it) and send again.",
          types);
    }
    CheckMode injection = policy.mode(SafetyChecks.PROMPT_INJECTION);
    if (injection != CheckMode.OFF) {
      decide(
          SafetyChecks.PROMPT_INJECTION,
          injection,
          injectionFamily != null,
          injectionFamily == null
              ? ""
              : "looks like a prompt injection ("
                  + injectionFamily
                  + ") in "
                  + injectionTexts
                  + " text(s)");
    }
    CheckMode denied = policy.mode(SafetyChecks.DENIED_TOPICS);
    if (denied != CheckMode.OFF && !policy.deniedTopics.empty()) {
      decide(
          SafetyChecks.DENIED_TOPICS,
          denied,
          topics != null,
          topics == null ? "" : "asks about a denied topic: " + String.join(", ", topics));
    }
  }

  @Override
  public String answer(String text) {
    if (text == null) {
      return null;
    }
    CheckMode leak = policy.mode(SafetyChecks.OUTPUT_PII);
    if (leak != CheckMode.OFF) {
      List<Finding> found = policy.scanner.scan(text);
      TreeSet<String> types = new TreeSet<>();
      found.forEach(f -> types.add(f.type()));
      decide(
          SafetyChecks.OUTPUT_PII,
          leak,
          !found.isEmpty(),
          found.isEmpty()
              ? ""
              : "the answer contains personal data the request did not: "
                  + String.join(", ", types));
    }
    String restored = placeholders.restore(text);
    CheckMode terms = policy.mode(SafetyChecks.POLICY_TERMS);
    if (terms != CheckMode.OFF && !policy.policyTerms.empty()) {
      boolean hit = !policy.policyTerms.matches(restored).isEmpty();
      decide(SafetyChecks.POLICY_TERMS, terms, hit, hit ? "the answer uses a policy term" : "");
    }
    CheckMode grounded = policy.mode(SafetyChecks.GROUNDEDNESS);
    if (grounded != CheckMode.OFF && evidence != null) {
      double support = Groundedness.support(restored, evidence.toString());
      boolean low = support < Groundedness.MIN_SUPPORT;
      decide(
          SafetyChecks.GROUNDEDNESS,
          grounded,
          low,
          String.format(
              java.util.Locale.ROOT,
              "%.0f%% of the answer's content words are in the supplied evidence",
              support * 100));
    }
    return restored;
  }

  @Override
  public String restore(String text) {
    return placeholders.restore(text);
  }

  @Override
  public StreamRestorer streamRestorer() {
    Placeholders.Streaming s = placeholders.streaming();
    return new StreamRestorer() {
      @Override
      public String feed(String delta) {
        return s.feed(delta);
      }

      @Override
      public String flush() {
        return s.flush();
      }
    };
  }

  @Override
  public List<String> jsonSchemaErrors(String answer, String schemaJson) {
    CheckMode mode = policy.mode(SafetyChecks.JSON_SCHEMA);
    if (mode == CheckMode.OFF || schemaJson == null) {
      return List.of();
    }
    List<String> errors = JSON_SCHEMA.errors(answer, schemaJson);
    record(
        new SafetyVerdict(
            SafetyChecks.JSON_SCHEMA,
            mode,
            !errors.isEmpty(),
            errors.isEmpty() ? "" : errors.size() + " schema error(s): " + errors.get(0)));
    return errors;
  }

  @Override
  public CheckMode mode(String check) {
    return policy.mode(check);
  }

  @Override
  public void judge(String check, boolean flagged, String reason) {
    CheckMode mode = policy.mode(check);
    if (mode != CheckMode.OFF) {
      decide(check, mode, flagged, reason);
    }
  }

  @Override
  public RuntimeException refuse(String check, String reason) {
    record(new SafetyVerdict(check, CheckMode.BLOCK, true, reason));
    finish();
    throw new SafetyBlockedException(check, reason, List.of());
  }

  @Override
  public boolean restoresNothing() {
    return placeholders.isEmpty();
  }

  /** Records a check's verdict; a flagged block-mode check refuses the call. */
  private void decide(String check, CheckMode mode, boolean flagged, String reason) {
    record(new SafetyVerdict(check, mode, flagged, reason));
    if (flagged && mode == CheckMode.BLOCK) {
      finish();
      throw new SafetyBlockedException(
          check, "Refused by the " + check + " check: " + reason + ".", List.of());
    }
  }

  private void record(SafetyVerdict v) {
    if (verdicts == null) {
      verdicts = new ArrayList<>(4);
    }
    verdicts.add(v);
    if (v.flagged()) {
      LOG.log(
          v.blocks() ? Level.INFO : Level.FINE,
          () ->
              (v.blocks() ? "GOV-0202 blocked" : "GOV-0201 flagged")
                  + " tenant "
                  + tenant
                  + " request "
                  + requestId
                  + " check "
                  + v.check()
                  + ": "
                  + v.reason());
    }
  }

  @Override
  public SafetyVerdicts verdicts() {
    return new SafetyVerdicts(
        tenant,
        requestId,
        verdicts == null ? List.of() : verdicts,
        counts == null ? Map.of() : counts);
  }

  @Override
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (counts == null
        && (verdicts == null || verdicts.stream().noneMatch(SafetyVerdict::flagged))) {
      return;
    }
    publisher.accept(verdicts());
  }
}
