package dev.tessera.tenancy.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** Opaque keyset cursors over (created_at, id), the order every list endpoint uses. */
public final class Cursors {
  private Cursors() {}

  /** Where a page ends: the last row's creation time and id. */
  public record Position(Instant createdAt, UUID id) {}

  public static String encode(Instant createdAt, UUID id) {
    String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  public static Position decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split(":", 3);
      return new Position(
          Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
          UUID.fromString(parts[2]));
    } catch (RuntimeException e) {
      throw InvalidInputException.field("cursor", "is not a cursor this API returned");
    }
  }
}
