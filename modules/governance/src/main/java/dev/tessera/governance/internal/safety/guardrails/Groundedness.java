package dev.tessera.governance.internal.safety.guardrails;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Lexical groundedness: the share of an answer's content words (four letters or more, not stop
 * words) that occur in the evidence the request supplied (system text, documents, tool results).
 * Below {@link #MIN_SUPPORT} the answer is flagged as ungrounded. A cheap first line; a model-based
 * judge would go through the routing API (not built).
 */
public final class Groundedness {
  public static final double MIN_SUPPORT = 0.5;
  private static final Set<String> STOP =
      Set.of(
          "that", "this", "with", "from", "have", "been", "were", "will", "would", "could",
          "should", "there", "their", "they", "them", "then", "than", "what", "when", "which",
          "while", "your", "yours", "about", "into", "also", "only", "some", "such", "more", "most",
          "very", "just", "here", "these", "those", "does", "done", "each", "other");

  private Groundedness() {}

  /** Share of the answer's content words found in the evidence (1.0 when it has none). */
  public static double support(String answer, String evidence) {
    Set<String> known = words(evidence);
    Set<String> said = words(answer);
    if (said.isEmpty()) {
      return 1.0;
    }
    int found = 0;
    for (String w : said) {
      if (known.contains(w)) {
        found++;
      }
    }
    return (double) found / said.size();
  }

  private static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    if (text == null) {
      return out;
    }
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() >= 4 && !STOP.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }
}
