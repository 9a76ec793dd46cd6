package dev.tessera.governance.internal.safety.pii;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Phone numbers by libphonenumber's matcher (leniency VALID: the number must be a valid one of its
 * region), trying each configured region in turn; numbers written with a + and country code match
 * whatever the region.
 */
final class PhoneRecognizer extends Recognizer {
  static final String PHONE = "PHONE";
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final String[] CONTEXT = {
    "phone", "tel", "call", "mobile", "cell", "fax", "whatsapp", "handy", "telefon", "sms"
  };

  private final List<String> regions;

  PhoneRecognizer(List<String> regions) {
    super(PHONE, Pattern.compile("(?!)"), 0.65, CONTEXT);
    this.regions = regions;
  }

  @Override
  boolean worthScanning(TextShape s) {
    return s.digits >= 7;
  }

  @Override
  void find(String text, TextShape shape, List<Finding> out) {
    int before = out.size();
    for (String region : regions) {
      for (PhoneNumberMatch m :
          UTIL.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
        int s = m.start();
        int e = m.end();
        boolean known = false;
        for (int i = before; i < out.size(); i++) {
          Finding f = out.get(i);
          if (f.start() < e && s < f.end()) {
            known = true;
            break;
          }
        }
        // a bare digit run (no +, spaces, dashes or brackets) is as likely an order number
        double base = formatted(m.rawString()) ? 0.65 : 0.4;
        double score = Math.min(1.0, base + (context(text, s) ? 0.35 : 0));
        if (!known && score >= THRESHOLD) {
          out.add(new Finding(s, e, PHONE, score));
        }
      }
    }
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
