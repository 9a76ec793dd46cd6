package dev.tessera.governance.internal.safety.pii;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds one kind of PII: a precompiled pattern proposes candidates, {@link #valid} checks them
 * (checksums), and context words within a few words before the value raise the score by {@link
 * #CONTEXT_BOOST}. Only findings scoring at least {@link #THRESHOLD} are kept.
 */
abstract class Recognizer {
  static final double THRESHOLD = 0.5;
  static final double CONTEXT_BOOST = 0.35;
  private static final int CONTEXT_WINDOW = 48;

  final String type;
  private final Pattern pattern;
  private final double baseScore;
  private final String[] contextWords;

  Recognizer(String type, Pattern pattern, double baseScore, String... contextWords) {
    this.type = type;
    this.pattern = pattern;
    this.baseScore = baseScore;
    this.contextWords = contextWords;
  }

  /** A cheap look at the text's shape: false means the pattern cannot match, skip it. */
  abstract boolean worthScanning(TextShape shape);

  /** The candidate passes the kind's own check (checksum, ranges). */
  boolean valid(String candidate) {
    return true;
  }

  /** Adds findings for {@code text} to {@code out}. */
  void find(String text, TextShape shape, List<Finding> out) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      int s = m.start(group());
      int e = m.end(group());
      if (!valid(text.substring(s, e))) {
        continue;
      }
      double score = baseScore + (hasContext(text, s, shape) ? CONTEXT_BOOST : 0);
      if (score >= THRESHOLD) {
        out.add(new Finding(s, e, type, Math.min(1.0, score)));
      }
    }
  }

  /** The capture group holding the value (0: the whole match). */
  int group() {
    return 0;
  }

  private boolean hasContext(String text, int start, TextShape shape) {
    if (contextWords.length == 0) {
      return false;
    }
    int from = Math.max(0, start - CONTEXT_WINDOW);
    String window = text.substring(from, start).toLowerCase(Locale.ROOT);
    for (String w : contextWords) {
      if (window.contains(w)) {
        return true;
      }
    }
    return false;
  }

  static String digitsOf(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        b.append(c);
      }
    }
    return b.toString();
  }
}
