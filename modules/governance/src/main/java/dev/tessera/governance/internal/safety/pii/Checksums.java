package dev.tessera.governance.internal.safety.pii;

/** The check digits of the identifiers we recognise. */
final class Checksums {
  private Checksums() {}

  /** Luhn (ISO/IEC 7812) over the digits of a payment card number. */
  static boolean luhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return digits.length() >= 12 && sum % 10 == 0;
  }

  /**
   * IBAN (ISO 13616): the country and check digits moved to the end, read as a number mod 97 = 1.
   */
  static boolean iban(String raw) {
    String s = raw.replace(" ", "");
    if (s.length() < 15 || s.length() > 34) {
      return false;
    }
    String moved = s.substring(4) + s.substring(0, 4);
    int rem = 0;
    for (int i = 0; i < moved.length(); i++) {
      char c = moved.charAt(i);
      if (c >= '0' && c <= '9') {
        rem = (rem * 10 + (c - '0')) % 97;
      } else if (c >= 'A' && c <= 'Z') {
        int v = c - 'A' + 10;
        rem = (rem * 100 + v) % 97;
      } else {
        return false;
      }
    }
    return rem == 1;
  }

  /**
   * German tax identification number (Steuer-IdNr, 11 digits): ISO 7064 MOD 11,10 check digit, and
   * in the first ten digits one digit appears two or three times while at least one never does.
   */
  static boolean germanTaxId(String digits) {
    if (digits.length() != 11 || digits.charAt(0) == '0') {
      return false;
    }
    int[] counts = new int[10];
    for (int i = 0; i < 10; i++) {
      counts[digits.charAt(i) - '0']++;
    }
    int repeated = 0;
    int missing = 0;
    for (int c : counts) {
      if (c == 2 || c == 3) {
        repeated++;
      } else if (c > 3) {
        return false;
      }
      if (c == 0) {
        missing++;
      }
    }
    if (repeated != 1 || missing == 0) {
      return false;
    }
    int product = 10;
    for (int i = 0; i < 10; i++) {
      int sum = (digits.charAt(i) - '0' + product) % 10;
      if (sum == 0) {
        sum = 10;
      }
      product = (sum * 2) % 11;
    }
    int check = 11 - product;
    if (check == 10) {
      check = 0;
    }
    return check == digits.charAt(10) - '0';
  }

  /** Shannon entropy in bits per character. */
  static double entropy(String s) {
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double h = 0;
    double n = s.length();
    for (int c : counts) {
      if (c > 0) {
        double p = c / n;
        h -= p * (Math.log(p) / Math.log(2));
      }
    }
    if (other > 0) {
      double p = other / n;
      h -= p * (Math.log(p) / Math.log(2));
    }
    return h;
  }
}
