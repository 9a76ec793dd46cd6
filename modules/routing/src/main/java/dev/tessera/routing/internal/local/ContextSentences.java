package dev.tessera.routing.internal.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sentences of a conversation's context, each tagged with the 1-based number of the message it
 * came from, ranked against a question with BM25. BM25 rather than embeddings because it costs
 * microseconds per sentence and ranks short factual context well enough for an offline fallback.
 */
final class ContextSentences {
  /** A sentence boundary: end punctuation, space, then what starts a sentence. */
  private static final Pattern BOUNDARY =
      Pattern.compile("(?<=[.!?])[\"')\\]]*\\s+(?=[\\p{Lu}\\p{N}\"'(\\[])");

  private static final Pattern LINES = Pattern.compile("\\R+");
  private static final Pattern BULLET = Pattern.compile("^\\s*(?:[-*•>]+|\\d{1,3}[.)])\\s+");
  private static final double K1 = 1.2;
  private static final double B = 0.75;

  /** One context sentence; {@code position} orders sentences as they appear. */
  record Sentence(int messageNumber, int position, String text, List<String> terms) {}

  /** A sentence with its score against the question. */
  record Scored(Sentence sentence, double score) {}

  private final List<Sentence> sentences = new ArrayList<>();

  /** Adds the sentences of message number {@code messageNumber} (1-based). */
  void add(int messageNumber, String text) {
    if (text == null) {
      return;
    }
    for (String line : LINES.split(text)) {
      String stripped = BULLET.matcher(line).replaceFirst("").strip();
      for (String s : BOUNDARY.split(stripped)) {
        String sentence = s.strip();
        List<String> terms = Terms.of(sentence);
        if (!terms.isEmpty()) {
          sentences.add(new Sentence(messageNumber, sentences.size(), sentence, terms));
        }
      }
    }
  }

  /**
   * The sentences matching {@code question}, best first (ties: earlier first), repeats of an
   * already ranked sentence dropped. Only sentences sharing at least one term appear.
   */
  List<Scored> rank(List<String> question) {
    Set<String> queryTerms = new HashSet<>(question);
    if (queryTerms.isEmpty() || sentences.isEmpty()) {
      return List.of();
    }
    Map<String, Integer> documentFrequency = new HashMap<>();
    double totalLength = 0;
    for (Sentence s : sentences) {
      totalLength += s.terms().size();
      for (String t : new HashSet<>(s.terms())) {
        if (queryTerms.contains(t)) {
          documentFrequency.merge(t, 1, Integer::sum);
        }
      }
    }
    double averageLength = totalLength / sentences.size();
    int n = sentences.size();
    List<Scored> ranked = new ArrayList<>();
    for (Sentence s : sentences) {
      double score = 0;
      for (String t : queryTerms) {
        int tf = frequency(s.terms(), t);
        if (tf > 0) {
          int df = documentFrequency.get(t);
          double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          double norm = K1 * (1 - B + B * s.terms().size() / averageLength);
          score += idf * tf * (K1 + 1) / (tf + norm);
        }
      }
      if (score > 0) {
        ranked.add(new Scored(s, score));
      }
    }
    ranked.sort(
        Comparator.comparingDouble(Scored::score)
            .reversed()
            .thenComparingInt(x -> x.sentence().position()));
    Set<String> seen = new HashSet<>();
    ranked.removeIf(x -> !seen.add(String.join(" ", x.sentence().terms())));
    return ranked;
  }

  private static int frequency(List<String> terms, String term) {
    int f = 0;
    for (String t : terms) {
      if (t.equals(term)) {
        f++;
      }
    }
    return f;
  }
}
