package dev.tessera.governance.internal.safety.pii;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phone numbers validated by libphonenumber (the number must be a valid one of a configured region;
 * numbers written with a + and country code are judged by that country, whatever the regions).
 */
final class PhoneRecognizer extends Recognizer {
  static final String PHONE = "PHONE";
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final String[] CONTEXT = {
    "phone", "tel", "call", "mobile", "cell", "fax", "whatsapp", "handy", "telefon", "sms"
  };

  private static final Pattern CANDIDATE =
      Pattern.compile(
          "(?<![\\w+/.-])(?:\\+\\d{1,3}[ .-]?)?\\(?\\d{1,5}\\)?(?:[ .-]?\\d{1,5}){1,6}(?![\\w/-])");

  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");

  private final List<String> regions;

  PhoneRecognizer(List<String> regions) {
    super(PHONE, Pattern.compile("(?!)"), 0.65, CONTEXT);
    this.regions = regions;
  }

  @Override
  boolean worthScanning(TextShape s) {
    return s.digits >= 7;
  }

  /**
   * Candidates are runs of 7 to 15 digits with the separators phone numbers use; each is parsed and
   * validated by libphonenumber per region (a leading + carries its own country). Cheaper than
   * libphonenumber's whole-text matcher, which costs tens of microseconds per region even on text
   * without a number.
   */
  @Override
  void find(String text, TextShape shape, List<Finding> out) {
    Matcher m = CANDIDATE.matcher(text);
    while (m.find()) {
      String raw = m.group();
      int digits = 0;
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c >= '0' && c <= '9') {
          digits++;
        }
      }
      if (digits < 7 || digits > 15 || DOTTED_QUAD.matcher(raw).matches() || !valid(raw)) {
        continue;
      }
      int s = m.start();
      // a bare digit run (no +, spaces, dashes or brackets) is as likely an order number
      double base = formatted(raw) ? 0.65 : 0.4;
      double score = Math.min(1.0, base + (context(text, s) ? 0.35 : 0));
      if (score >= THRESHOLD) {
        out.add(new Finding(s, m.end(), PHONE, score));
      }
    }
  }

  @Override
  boolean valid(String raw) {
    for (String region : raw.startsWith("+") ? List.of("ZZ") : regions) {
      try {
        PhoneNumber n = UTIL.parse(raw, region);
        if (UTIL.isValidNumber(n)) {
          return true;
        }
      } catch (NumberParseException notANumber) {
        // try the next region
      }
    }
    return false;
  }

  private static boolean formatted(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        return true;
      }
    }
    return false;
  }

  private static boolean context(String text, int start) {
    String window = text.substring(Math.max(0, start - 48), start).toLowerCase(Locale.ROOT);
    for (String w : CONTEXT) {
      if (window.contains(w)) {
        return true;
      }
    }
    return false;
  }
}
