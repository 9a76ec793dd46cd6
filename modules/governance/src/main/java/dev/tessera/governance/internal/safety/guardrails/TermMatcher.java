package dev.tessera.governance.internal.safety.guardrails;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Whole-word, case-insensitive matching of named term lists, compiled once per policy: denied
 * topics (name → keywords) and policy terms (one list). Reports the name that matched, never the
 * text around it.
 */
public final class TermMatcher {
  private final Pattern pattern;
  private final Map<String, String> nameOfTerm;

  /** {@code terms}: name → its terms; a term belongs to the first name that lists it. */
  public TermMatcher(Map<String, List<String>> terms) {
    nameOfTerm = new java.util.HashMap<>();
    terms.forEach(
        (name, list) ->
            list.stream()
                .filter(t -> t != null && !t.isBlank())
                .forEach(
                    t ->
                        nameOfTerm.putIfAbsent(
                            t.strip().toLowerCase(java.util.Locale.ROOT), name)));
    pattern =
        nameOfTerm.isEmpty()
            ? null
            : Pattern.compile(
                "(?<![\\p{L}\\p{N}])(?:"
                    + nameOfTerm.keySet().stream()
                        .sorted(Comparator.comparingInt(String::length).reversed())
                        .map(Pattern::quote)
                        .collect(Collectors.joining("|"))
                    + ")(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  public boolean empty() {
    return pattern == null;
  }

  /** The names whose terms occur in {@code text}, in order of first occurrence. */
  public List<String> matches(String text) {
    if (pattern == null || text == null) {
      return List.of();
    }
    Matcher m = pattern.matcher(text);
    java.util.LinkedHashSet<String> names = null;
    while (m.find()) {
      if (names == null) {
        names = new java.util.LinkedHashSet<>();
      }
      names.add(nameOfTerm.get(m.group().toLowerCase(java.util.Locale.ROOT)));
    }
    return names == null ? List.of() : List.copyOf(names);
  }
}
