package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.internal.local.TokenEstimate;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a chat request asks of a model, estimated before any model sees it: the tokens it sends, the
 * tokens it may get back, and the lowest tier that is likely to do the job well. Small-first
 * routing starts at that tier instead of always at the cheapest: a short classification stays on
 * T0, a long analysis or a code review escalates.
 */
record Demand(int inputTokens, int outputTokens, int minimumTier) {
  /** Nothing known: any model with room for nothing fits. */
  static final Demand NONE = new Demand(0, 0, 0);

  /** Above this many input tokens a request escalates at least to T1 (long context). */
  static final int LONG_INPUT = 2_000;

  /** Above this many input tokens a request escalates at least to T2 (very long context). */
  static final int VERY_LONG_INPUT = 12_000;

  /** Words that ask for multi-step reasoning, design or code rather than lookup or labelling. */
  private static final Pattern HARD =
      Pattern.compile(
          "\\b(step[- ]by[- ]step|prove|proof|derive|analy[sz]e|analysis|design|architect\\w*"
              + "|refactor|debug|optimi[sz]e|trade-?offs?|compare and contrast|plan|strategy"
              + "|write (a|an|the) (program|function|class|essay|report))\\b");

  /** Words that ask for a short, mechanical task: the cheapest tier does these well. */
  private static final Pattern SIMPLE =
      Pattern.compile(
          "\\b(classify|categori[sz]e|label|extract|sentiment|yes or no|true or false|translate"
              + "|summari[sz]e in one|which of)\\b");

  static Demand of(ChatRequest r) {
    int input = TokenEstimate.of(r.messages());
    int output = r.maxTokens() == null ? 0 : r.maxTokens();
    String last = lastUserText(r);
    String lower = last.toLowerCase(Locale.ROOT);
    int tier = 0;
    if (input > VERY_LONG_INPUT) {
      tier = 2;
    } else if (input > LONG_INPUT) {
      tier = 1;
    }
    boolean code = last.contains("```") || lower.contains("stack trace");
    if (code || HARD.matcher(lower).find()) {
      tier = Math.max(tier, SIMPLE.matcher(lower).find() ? 1 : 2);
    }
    if (!r.tools().isEmpty() || r.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA) {
      tier = Math.max(tier, 1); // structured output and tool use go wrong on the smallest models
    }
    if (output > 4_000) {
      tier = Math.max(tier, 1); // long answers
    }
    return new Demand(input, output, tier);
  }

  /** The text of the last user message: what the request is asking now. */
  static String lastUserText(ChatRequest r) {
    for (int i = r.messages().size() - 1; i >= 0; i--) {
      ChatMessage m = r.messages().get(i);
      if (m.role() == MessageRole.USER) {
        StringBuilder b = new StringBuilder();
        for (ContentPart p : m.content()) {
          if (p instanceof ContentPart.Text t) {
            b.append(t.text()).append('\n');
          }
        }
        return b.toString();
      }
    }
    return "";
  }

  /** Whether the request (and the answer it may ask for) fits the model's context window. */
  boolean fits(CatalogModel m) {
    return (long) inputTokens + outputTokens <= m.contextWindow();
  }
}
