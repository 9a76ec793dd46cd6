package dev.tessera.governance.internal.safety.pii;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A tenant's own kind of sensitive terms (customer names, project code words): any of its terms as
 * a whole word, ignoring case. The terms are compiled into one pattern, longest first.
 */
final class DictionaryRecognizer extends Recognizer {
  DictionaryRecognizer(String type, List<String> terms) {
    super(type, compile(terms), 0.9);
  }

  private static Pattern compile(List<String> terms) {
    String alternation =
        terms.stream()
            .filter(t -> t != null && !t.isBlank())
            .map(String::strip)
            .sorted(Comparator.comparingInt(String::length).reversed())
            .map(Pattern::quote)
            .collect(Collectors.joining("|"));
    return Pattern.compile(
        "(?<![\\p{L}\\p{N}])(?:" + alternation + ")(?![\\p{L}\\p{N}])",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  @Override
  boolean worthScanning(TextShape s) {
    return true;
  }
}
