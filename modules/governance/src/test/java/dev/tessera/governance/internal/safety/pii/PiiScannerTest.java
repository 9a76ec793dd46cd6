package dev.tessera.governance.internal.safety.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PiiScannerTest {
  private final PiiScanner all =
      new PiiScanner(
          new java.util.HashSet<>(
              java.util.Set.of(
                  "EMAIL",
                  "PHONE",
                  "CREDIT_CARD",
                  "IBAN",
                  "IP_ADDRESS",
                  "US_SSN",
                  "UK_NINO",
                  "DE_TAX_ID",
                  "API_SECRET",
                  "CUSTOMER")),
          List.of("US", "GB", "DE"),
          Map.of("CUSTOMER", List.of("Ann Smith", "Bluebird Holdings")));

  private List<String> found(String text) {
    return all.scan(text).stream()
        .map(f -> f.type() + "=" + text.substring(f.start(), f.end()))
        .toList();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to ann.smith+news@example.co.uk today|EMAIL|ann.smith+news@example.co.uk",
        "Call me on +1 415-555-2671 after lunch|PHONE|+1 415-555-2671",
        "my phone: 4155552671|PHONE|4155552671",
        "Our office: 020 7946 0958, ask for Bob|PHONE|020 7946 0958",
        "Mobil: +49 30 901820 bitte|PHONE|+49 30 901820",
        "Card 4111 1111 1111 1111 expires soon|CREDIT_CARD|4111 1111 1111 1111",
        "Pay 5500-0000-0000-0004 now|CREDIT_CARD|5500-0000-0000-0004",
        "IBAN DE89 3704 0044 0532 0130 00 please|IBAN|DE89 3704 0044 0532 0130 00",
        "to GB82WEST12345698765432 by Friday|IBAN|GB82WEST12345698765432",
        "The host 192.168.10.23 is down|IP_ADDRESS|192.168.10.23",
        "from 2001:db8:85a3::8a2e:370:7334 again|IP_ADDRESS|2001:db8:85a3::8a2e:370:7334",
        "SSN 123-45-6789 on file|US_SSN|123-45-6789",
        "my social security number is 123456789|US_SSN|123456789",
        "NI number AB 12 34 56 C attached|UK_NINO|AB 12 34 56 C",
        "Meine Steuer-IdNr lautet 86095742719.|DE_TAX_ID|86095742719",
        "key sk-proj-abcdefghijklmnopqrstuvwxyz012345 leaked|API_SECRET|sk-proj-abcdefghijklmnopqrstuvwxyz012345",
        "aws AKIAIOSFODNN7EXAMPLE in config|API_SECRET|AKIAIOSFODNN7EXAMPLE",
        "token ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ12 ok|API_SECRET|ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ12",
        "password is Zx8qL2mVt9rB4nWc7kP1sD6f now|API_SECRET|Zx8qL2mVt9rB4nWc7kP1sD6f",
        "Ask ann smith about it|CUSTOMER|ann smith",
        "The deal with Bluebird Holdings closed|CUSTOMER|Bluebird Holdings",
      })
  void recognises_each_kind(String text, String type, String value) {
    assertThat(found(text)).containsExactly(type + "=" + value);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Version 4111 1111 1111 1112 is not a card (Luhn fails)",
        "IBAN DE89 3704 0044 0532 0130 01 has a wrong check digit",
        "The meeting is at 10:30:00 in room 12",
        "Order 12345678901 shipped",
        "Ticket 4155552671 is a digit run without context, too weak for a phone",
        "request id 550e8400-e29b-41d4-a716-446655440000 failed",
        "The quick brown fox jumps over the lazy dog repeatedly every single morning",
        "Call the function getUserAccountSettingsFromDatabase now",
        "999-12-3456 is not a valid SSN area",
      })
  void leaves_look_alikes_alone(String text) {
    assertThat(found(text)).isEmpty();
  }

  @Test
  void context_words_raise_confidence() {
    // nine digits alone are too weak to be an SSN; next to "SSN" they are one
    assertThat(found("reference 123456789 in the ledger")).isEmpty();
    assertThat(found("SSN: 123456789")).containsExactly("US_SSN=123456789");
    // a valid German tax id checksum alone is weak; with "Steuer-ID" it is one
    assertThat(found("Nummer 86095742719 bitte")).doesNotContain("DE_TAX_ID=86095742719");
    assertThat(found("Steuer-ID 86095742719")).containsExactly("DE_TAX_ID=86095742719");
    assertThat(all.scan("SSN 123-45-6789").get(0).score())
        .isGreaterThan(all.scan("ref 123-45-6789").get(0).score());
  }

  @Test
  void phone_regions_come_from_the_policy() {
    PiiScanner usOnly = new PiiScanner(java.util.Set.of("PHONE"), List.of("US"), Map.of());
    PiiScanner gb = new PiiScanner(java.util.Set.of("PHONE"), List.of("GB"), Map.of());
    String ukNational = "ring 020 7946 0958 please";
    assertThat(usOnly.scan(ukNational)).isEmpty();
    assertThat(gb.scan(ukNational)).hasSize(1);
  }

  @Test
  void several_kinds_in_one_text_do_not_overlap() {
    assertThat(found("Mail bob@example.com or call +44 20 7946 0958, card 4242424242424242."))
        .containsExactly(
            "EMAIL=bob@example.com", "PHONE=+44 20 7946 0958", "CREDIT_CARD=4242424242424242");
  }
}
