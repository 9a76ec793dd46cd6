package dev.tessera.retrieval.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/** Content words as the index sees them: English stop words dropped, stemmed. */
final class Words {
  private static final Analyzer ANALYZER = new EnglishAnalyzer();

  private Words() {}

  static Set<String> of(String text) {
    Set<String> out = new LinkedHashSet<>();
    try (TokenStream ts = ANALYZER.tokenStream("text", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Share of {@code wanted}'s words found in {@code in} (0 when wanted has none). */
  static double coverage(Set<String> wanted, Set<String> in) {
    if (wanted.isEmpty()) {
      return 0;
    }
    long found = wanted.stream().filter(in::contains).count();
    return (double) found / wanted.size();
  }
}
