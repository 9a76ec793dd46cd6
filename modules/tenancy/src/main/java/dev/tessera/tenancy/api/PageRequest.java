package dev.tessera.tenancy.api;

/** A cursor page request; the size is clamped to {@link #MAX_SIZE} so no list is unbounded. */
public record PageRequest(String cursor, int size) {
  public static final int DEFAULT_SIZE = 50;
  public static final int MAX_SIZE = 100;

  public static PageRequest of(String cursor, Integer size) {
    if (size != null && size < 1) {
      throw InvalidInputException.field("limit", "must be between 1 and " + MAX_SIZE);
    }
    int effective = size == null ? DEFAULT_SIZE : Math.min(size, MAX_SIZE);
    return new PageRequest(cursor == null || cursor.isBlank() ? null : cursor, effective);
  }
}
