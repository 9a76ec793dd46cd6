package dev.tessera.routing.internal.batches;

import dev.tessera.tenancy.api.NotFoundException;
import java.util.UUID;

/** Batch ids on the wire ({@code batch_} and 32 hex digits) and in the database (a UUID). */
final class BatchIds {
  private static final String PREFIX = "batch_";

  private BatchIds() {}

  static String external(UUID id) {
    return PREFIX + id.toString().replace("-", "");
  }

  /** A malformed id is an unknown batch, like someone else's. */
  static UUID parse(String external) {
    if (external == null
        || external.length() != PREFIX.length() + 32
        || !external.startsWith(PREFIX)) {
      throw new NotFoundException("batch", String.valueOf(external));
    }
    String hex = external.substring(PREFIX.length());
    if (!hex.matches("[0-9a-f]{32}")) {
      throw new NotFoundException("batch", external);
    }
    return UUID.fromString(
        hex.substring(0, 8)
            + "-"
            + hex.substring(8, 12)
            + "-"
            + hex.substring(12, 16)
            + "-"
            + hex.substring(16, 20)
            + "-"
            + hex.substring(20));
  }
}
