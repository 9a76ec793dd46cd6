package dev.tessera.routing.internal.local;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns text into the terms the extractive model matches on: lower-cased, accents folded, English
 * stop words dropped, and a light suffix stripping so "refunds", "refunded" and "refunding" meet.
 * Deliberately crude: it must be fast and predictable, not linguistically right.
 */
final class Terms {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern SIBILANT = Pattern.compile("(?:[sxz]|ch|sh)es$");

  private static final Set<String> STOP_WORDS =
      Set.of(
          "a",
          "about",
          "after",
          "all",
          "also",
          "am",
          "an",
          "and",
          "any",
          "are",
          "as",
          "at",
          "be",
          "been",
          "before",
          "being",
          "but",
          "by",
          "can",
          "could",
          "did",
          "do",
          "does",
          "doing",
          "for",
          "from",
          "had",
          "has",
          "have",
          "having",
          "he",
          "her",
          "here",
          "hers",
          "him",
          "his",
          "how",
          "i",
          "if",
          "in",
          "into",
          "is",
          "it",
          "its",
          "just",
          "me",
          "might",
          "more",
          "most",
          "must",
          "my",
          "no",
          "nor",
          "not",
          "of",
          "on",
          "or",
          "our",
          "ours",
          "please",
          "shall",
          "she",
          "should",
          "so",
          "some",
          "such",
          "tell",
          "than",
          "that",
          "the",
          "their",
          "them",
          "then",
          "there",
          "these",
          "they",
          "this",
          "those",
          "to",
          "too",
          "us",
          "very",
          "was",
          "we",
          "were",
          "what",
          "when",
          "where",
          "which",
          "while",
          "who",
          "whom",
          "why",
          "will",
          "with",
          "would",
          "you",
          "your",
          "yours",
          // what apostrophes leave behind: Café's, don't, we'll
          "d",
          "ll",
          "m",
          "re",
          "s",
          "t",
          "ve");

  private Terms() {}

  /** The matchable terms of {@code text}, in order, repeats kept (term frequency counts). */
  static List<String> of(String text) {
    List<String> terms = new ArrayList<>();
    Matcher m = WORD.matcher(fold(text));
    while (m.find()) {
      String word = m.group();
      if (!STOP_WORDS.contains(word)) {
        terms.add(stem(word));
      }
    }
    return terms;
  }

  /** The words of {@code text} that are not stop words, as written (for echoing a topic back). */
  static List<String> contentWords(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      if (!STOP_WORDS.contains(fold(m.group()))) {
        words.add(m.group());
      }
    }
    return words;
  }

  private static String fold(String text) {
    String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
    return MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT);
  }

  /**
   * Strips one common English suffix and a final "e", keeping at least three letters, so that
   * "price", "prices" and "priced" all become "pric".
   */
  static String stem(String word) {
    if (word.length() <= 3 || !Character.isLetter(word.charAt(word.length() - 1))) {
      return word;
    }
    String stem = word;
    if (word.endsWith("ies") && word.length() > 4) {
      stem = word.substring(0, word.length() - 3) + "y";
    } else if (word.endsWith("ing") && word.length() >= 6) {
      stem = undouble(word.substring(0, word.length() - 3));
    } else if (word.endsWith("ed") && !word.endsWith("eed") && word.length() >= 5) {
      stem = undouble(word.substring(0, word.length() - 2));
    } else if (word.endsWith("es") && word.length() >= 5 && SIBILANT.matcher(word).find()) {
      stem = word.substring(0, word.length() - 2); // boxes, matches, wishes
    } else if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) {
      stem = word.substring(0, word.length() - 1); // not "class", "status"
    }
    if (stem.length() > 3 && stem.endsWith("e")) {
      stem = stem.substring(0, stem.length() - 1);
    }
    return stem;
  }

  /** "stopped" → "stopp" → "stop", so it meets "stop". */
  private static String undouble(String stem) {
    int n = stem.length();
    if (n >= 4
        && stem.charAt(n - 1) == stem.charAt(n - 2)
        && "lsz".indexOf(stem.charAt(n - 1)) < 0) {
      return stem.substring(0, n - 1);
    }
    return stem;
  }
}
