package dev.tessera.web.governance;

import dev.tessera.tenancy.api.InvalidInputException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Query parameters holding an instant (ISO-8601) or a date (midnight UTC). */
final class Times {
  private Times() {}

  static Instant parse(String field, String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(raw.strip());
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(raw.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw InvalidInputException.field(field, "must be an ISO-8601 instant or date");
      }
    }
  }
}
