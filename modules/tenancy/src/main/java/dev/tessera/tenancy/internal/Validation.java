package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.InvalidInputException;
import java.util.regex.Pattern;

/** Checks on admin input, each failing with a field-level 400. */
final class Validation {
  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s]{2,63}");

  private Validation() {}

  static String text(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw InvalidInputException.field(field, "is required");
    }
    String v = value.strip();
    if (v.length() > max) {
      throw InvalidInputException.field(field, "must be at most " + max + " characters");
    }
    if (v.chars().anyMatch(ch -> ch < 0x20)) {
      throw InvalidInputException.field(field, "must not contain control characters");
    }
    return v;
  }

  static String slug(String value) {
    if (value == null || !SLUG.matcher(value).matches()) {
      throw InvalidInputException.field(
          "slug", "must be 2-63 characters of a-z, 0-9 and '-', starting with a letter or digit");
    }
    return value;
  }

  static String email(String value) {
    String v = text("email", value, 254);
    if (!EMAIL.matcher(v).matches()) {
      throw InvalidInputException.field("email", "is not an email address");
    }
    return v;
  }

  static <T> T required(String field, T value) {
    if (value == null) {
      throw InvalidInputException.field(field, "is required");
    }
    return value;
  }
}
