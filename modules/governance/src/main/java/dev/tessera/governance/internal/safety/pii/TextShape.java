package dev.tessera.governance.internal.safety.pii;

/**
 * One pass over a text counting what recognizers need to bother: an '@', digits, colons, long
 * unbroken tokens. Most chat text rules most recognizers out without running their patterns.
 */
final class TextShape {
  final boolean hasAt;
  final int digits;
  final int colons;
  final int upper;
  final int longestToken;

  private TextShape(boolean hasAt, int digits, int colons, int upper, int longestToken) {
    this.hasAt = hasAt;
    this.digits = digits;
    this.colons = colons;
    this.upper = upper;
    this.longestToken = longestToken;
  }

  static TextShape of(String text) {
    boolean at = false;
    int digits = 0;
    int colons = 0;
    int upper = 0;
    int run = 0;
    int longest = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '@') {
        at = true;
      } else if (c == ':') {
        colons++;
      } else if (c >= 'A' && c <= 'Z') {
        upper++;
      }
      if (c > ' ' && c != '"' && c != '\'' && c != ',' && c != '(' && c != ')') {
        run++;
        if (run > longest) {
          longest = run;
        }
      } else {
        run = 0;
      }
    }
    return new TextShape(at, digits, colons, upper, longest);
  }
}
