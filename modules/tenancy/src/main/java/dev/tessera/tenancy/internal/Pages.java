package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.Page;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Turns a keyset query's rows (fetched one past the page size) into a page and its cursor. */
final class Pages {
  private Pages() {}

  static <R, V> Page<V> of(
      List<R> rows,
      int size,
      Function<R, V> view,
      Function<R, Instant> createdAt,
      Function<R, UUID> id) {
    boolean more = rows.size() > size;
    List<R> kept = more ? rows.subList(0, size) : rows;
    String next = null;
    if (more) {
      R last = kept.get(kept.size() - 1);
      next = Cursors.encode(createdAt.apply(last), id.apply(last));
    }
    return new Page<>(kept.stream().map(view).toList(), next);
  }
}
