package dev.tessera;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Log codes are stable names an operator can grep and alert on: each has one meaning (every use of
 * a code says the same thing before its first colon) and the README's "Log codes" table lists every
 * code the sources use, and no other.
 */
class LogCodesTest {
  /** A code at the start of a string literal, and the literal's text up to a colon or its end. */
  private static final Pattern USE = Pattern.compile("\"([A-Z]+-\\d{4}) ([^\":]*)");

  private static final Pattern LISTED =
      Pattern.compile("^\\| `([A-Z]+-\\d{4})` \\|", Pattern.MULTILINE);

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void every_code_has_one_meaning() {
    Map<String, Set<String>> meanings = uses();
    Map<String, Set<String>> ambiguous = new TreeMap<>();
    meanings.forEach(
        (code, texts) -> {
          if (texts.size() > 1) {
            ambiguous.put(code, texts);
          }
        });
    assertThat(ambiguous).as("codes used with different texts").isEmpty();
  }

  @Test
  void the_readme_lists_every_code_and_only_those() throws IOException {
    Set<String> used = uses().keySet();
    Set<String> listed = new TreeSet<>();
    Matcher m = LISTED.matcher(Files.readString(ROOT.resolve("README.md")));
    while (m.find()) {
      listed.add(m.group(1));
    }
    assertThat(listed)
        .as("codes in the README's log code table")
        .containsExactlyInAnyOrderElementsOf(used);
  }

  private static Map<String, Set<String>> uses() {
    Map<String, Set<String>> meanings = new TreeMap<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files
          .filter(f -> f.toString().endsWith(".java"))
          .filter(f -> f.toString().contains("/src/main/java/"))
          .filter(
              f -> !f.toString().contains("/target/") && !f.toString().contains("/node_modules/"))
          .forEach(
              f -> {
                Matcher m = USE.matcher(read(f));
                while (m.find()) {
                  meanings.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2).trim());
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(meanings).as("log codes found under " + ROOT).isNotEmpty();
    return meanings;
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
