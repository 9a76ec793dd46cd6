package dev.tessera.retrieval.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an answer against its sources sentence by sentence: every sentence must cite at least one
 * source as {@code [n]}, and share at least {@link #SUPPORT} of its content words with a source it
 * cites. For each supported citation it finds the sentence of the source that backs it, so the
 * citation points at that exact character range of the document.
 */
final class CitationCheck {
  static final double SUPPORT = 0.5;
  private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,3})\\]");
  private static final Pattern SENTENCE_END =
      Pattern.compile("(?<=[.!?])(\\s*\\[\\d{1,3}\\])*\\s+");

  /** A source as the model saw it: its text and where that text starts in the document. */
  record Source(String body, int start) {}

  /** One cited range: source n, [start, end) of the document. */
  record Cite(int source, int start, int end) {}

  record Checked(String text, List<Cite> cites, boolean cited, boolean supported) {}

  private CitationCheck() {}

  static List<Checked> check(String answer, List<Source> sources) {
    List<Checked> out = new ArrayList<>();
    for (String sentence : sentences(answer)) {
      List<Integer> cited = new ArrayList<>();
      Matcher m = MARKER.matcher(sentence);
      while (m.find()) {
        int n = Integer.parseInt(m.group(1));
        if (n >= 1 && n <= sources.size() && !cited.contains(n)) {
          cited.add(n);
        }
      }
      String claim = MARKER.matcher(sentence).replaceAll("").strip();
      if (claim.isEmpty()) {
        continue;
      }
      Set<String> words = Words.of(claim);
      List<Cite> cites = new ArrayList<>();
      for (int n : cited) {
        Source s = sources.get(n - 1);
        if (Words.coverage(words, Words.of(s.body())) >= SUPPORT || words.isEmpty()) {
          int[] range = backing(words, s.body());
          cites.add(new Cite(n, s.start() + range[0], s.start() + range[1]));
        }
      }
      out.add(new Checked(claim, cites, !cited.isEmpty(), !cites.isEmpty()));
    }
    return out;
  }

  /** The answer's sentences, each with the markers that follow it. */
  static List<String> sentences(String answer) {
    List<String> out = new ArrayList<>();
    int start = 0;
    Matcher m = SENTENCE_END.matcher(answer);
    while (m.find()) {
      int end = m.end();
      // keep trailing markers with the sentence they follow
      String piece = answer.substring(start, end).strip();
      if (!piece.isEmpty()) {
        out.add(piece);
      }
      start = end;
    }
    String rest = answer.substring(start).strip();
    if (!rest.isEmpty()) {
      out.add(rest);
    }
    return out;
  }

  /** The range of the source's sentence sharing most words with the claim (whole body if none). */
  static int[] backing(Set<String> claim, String body) {
    int[] best = {0, body.length()};
    double bestScore = 0;
    int start = 0;
    Matcher m = Pattern.compile("(?<=[.!?])\\s+|\\n\\s*\\n").matcher(body);
    List<int[]> spans = new ArrayList<>();
    while (m.find()) {
      spans.add(new int[] {start, m.start()});
      start = m.end();
    }
    spans.add(new int[] {start, body.length()});
    for (int[] s : spans) {
      if (s[1] <= s[0]) {
        continue;
      }
      double score = Words.coverage(claim, Words.of(body.substring(s[0], s[1])));
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    // trim white space so the range is exactly the sentence
    int a = best[0];
    int b = best[1];
    while (a < b && Character.isWhitespace(body.charAt(a))) {
      a++;
    }
    while (b > a && Character.isWhitespace(body.charAt(b - 1))) {
      b--;
    }
    return new int[] {a, b};
  }
}
