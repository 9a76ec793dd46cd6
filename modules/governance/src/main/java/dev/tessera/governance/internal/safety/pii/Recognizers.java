package dev.tessera.governance.internal.safety.pii;

import java.util.List;
import java.util.regex.Pattern;

/** The built-in recognizers, one per kind (two for SSNs: with and without dashes). */
final class Recognizers {
  private Recognizers() {}

  static final String EMAIL = "EMAIL";
  static final String CREDIT_CARD = "CREDIT_CARD";
  static final String IBAN = "IBAN";
  static final String IP_ADDRESS = "IP_ADDRESS";
  static final String US_SSN = "US_SSN";
  static final String UK_NINO = "UK_NINO";
  static final String DE_TAX_ID = "DE_TAX_ID";
  static final String API_SECRET = "API_SECRET";

  static List<Recognizer> builtIn() {
    return List.of(
        new Email(),
        new Card(),
        new Iban(),
        new Ipv4(),
        new Ipv6(),
        new Ssn(),
        new SsnUndashed(),
        new Nino(),
        new GermanTaxId(),
        new KnownSecret(),
        new HighEntropyToken());
  }

  static final class Email extends Recognizer {
    Email() {
      super(
          EMAIL,
          Pattern.compile(
              "(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\\.[A-Za-z]{2,24}\\b"),
          0.9,
          "email",
          "e-mail",
          "mail");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.hasAt;
    }
  }

  static final class Card extends Recognizer {
    Card() {
      super(
          CREDIT_CARD,
          Pattern.compile("(?<![\\d-])(?<![A-Z]{2}\\d{2} )[2-6]\\d{3}(?:[ -]?\\d){9,15}(?![\\d-])"),
          0.75,
          "card",
          "visa",
          "mastercard",
          "amex",
          "credit",
          "debit",
          "kreditkarte",
          "carte");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.digits >= 13;
    }

    @Override
    boolean valid(String candidate) {
      String d = digitsOf(candidate);
      return d.length() >= 13 && d.length() <= 19 && Checksums.luhn(d);
    }
  }

  static final class Iban extends Recognizer {
    Iban() {
      super(
          IBAN,
          Pattern.compile(
              "\\b[A-Z]{2}\\d{2}(?:(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?|[A-Z0-9]{11,30})\\b"),
          0.85,
          "iban",
          "account",
          "konto",
          "bank");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.digits >= 8 && s.upper >= 2;
    }

    @Override
    boolean valid(String candidate) {
      return Checksums.iban(candidate);
    }
  }

  static final class Ipv4 extends Recognizer {
    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

    Ipv4() {
      super(
          IP_ADDRESS,
          Pattern.compile("(?<![\\d.])" + OCTET + "(?:\\." + OCTET + "){3}(?![\\d.]*\\d)"),
          0.6,
          "ip",
          "address",
          "host",
          "server");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.digits >= 4;
    }
  }

  static final class Ipv6 extends Recognizer {
    Ipv6() {
      super(
          IP_ADDRESS,
          Pattern.compile("(?<![\\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\\w:])"),
          0.6,
          "ip",
          "address",
          "host");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.colons >= 2;
    }

    @Override
    boolean valid(String c) {
      int dc = c.indexOf("::");
      if (dc >= 0 && c.indexOf("::", dc + 1) >= 0) {
        return false;
      }
      String[] groups = c.split(":", -1);
      int nonEmpty = 0;
      for (String g : groups) {
        if (!g.isEmpty()) {
          nonEmpty++;
        }
      }
      if (nonEmpty < 2) {
        return false;
      }
      return dc >= 0 ? nonEmpty < 8 : groups.length == 8 && nonEmpty == 8;
    }
  }

  static final class Ssn extends Recognizer {
    Ssn() {
      super(
          US_SSN,
          Pattern.compile(
              "(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])"),
          0.6,
          "ssn",
          "social security",
          "ss#");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.digits >= 9;
    }
  }

  static final class SsnUndashed extends Recognizer {
    SsnUndashed() {
      super(
          US_SSN,
          Pattern.compile(
              "(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}(?!00)\\d{2}(?!0000)\\d{4}(?![\\d-])"),
          0.2,
          "ssn",
          "social security",
          "ss#");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.digits >= 9;
    }
  }

  static final class Nino extends Recognizer {
    Nino() {
      super(
          UK_NINO,
          Pattern.compile(
              "\\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]\\b"),
          0.6,
          "national insurance",
          "nino",
          "ni number",
          "ni no");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.digits >= 6 && s.upper >= 3;
    }
  }

  static final class GermanTaxId extends Recognizer {
    GermanTaxId() {
      super(
          DE_TAX_ID,
          Pattern.compile("(?<![\\d-])[1-9]\\d(?: ?\\d{3}){3}(?![\\d-])"),
          0.45,
          "steuer",
          "tax id",
          "taxid",
          "idnr",
          "identifikationsnummer",
          "tin");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.digits >= 11;
    }

    @Override
    boolean valid(String candidate) {
      return Checksums.germanTaxId(digitsOf(candidate));
    }
  }

  /**
   * Key formats of common services: OpenAI, Anthropic, AWS, GitHub, Slack, Google, Stripe, JWTs,
   * PEM.
   */
  static final class KnownSecret extends Recognizer {
    KnownSecret() {
      super(
          API_SECRET,
          Pattern.compile(
              "(?<![A-Za-z0-9_-])(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"
                  + "|(?:AKIA|ASIA)[0-9A-Z]{16}"
                  + "|gh[pousr]_[A-Za-z0-9]{30,}"
                  + "|github_pat_[A-Za-z0-9_]{40,}"
                  + "|xox[abposr]-[A-Za-z0-9-]{10,}"
                  + "|AIza[0-9A-Za-z_-]{35}"
                  + "|[sr]k_(?:live|test)_[0-9A-Za-z]{20,}"
                  + "|tsk_[A-Za-z0-9]{22}_[A-Za-z0-9_-]{20,}"
                  + "|whsec_[A-Za-z0-9+/=]{20,}"
                  + "|eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"
                  + "|-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----)"),
          0.95);
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.longestToken >= 20;
    }
  }

  /**
   * Long unbroken tokens mixing letters and digits with high entropy: passwords and keys of formats
   * we do not know by name. UUIDs are ids, not secrets, and are left alone.
   */
  static final class HighEntropyToken extends Recognizer {
    private static final Pattern UUID =
        Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    HighEntropyToken() {
      super(
          API_SECRET,
          Pattern.compile("(?<![A-Za-z0-9+/_=.-])[A-Za-z0-9+/_=-]{24,}(?![A-Za-z0-9+/_=-])"),
          0.6,
          "key",
          "token",
          "secret",
          "password",
          "passwort",
          "credential",
          "bearer");
    }

    @Override
    boolean worthScanning(TextShape s) {
      return s.longestToken >= 24;
    }

    @Override
    boolean valid(String c) {
      if (UUID.matcher(c).matches()) {
        return false;
      }
      boolean lower = false;
      boolean upper = false;
      boolean digit = false;
      for (int i = 0; i < c.length(); i++) {
        char ch = c.charAt(i);
        lower |= ch >= 'a' && ch <= 'z';
        upper |= ch >= 'A' && ch <= 'Z';
        digit |= ch >= '0' && ch <= '9';
      }
      if (!digit || !(lower || upper) || (!(lower && upper) && c.length() < 32)) {
        return false;
      }
      return Checksums.entropy(c) >= 3.7;
    }
  }
}
