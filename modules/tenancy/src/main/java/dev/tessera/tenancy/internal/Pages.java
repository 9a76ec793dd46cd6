package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.Cursors;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.Session;

/** Keyset pagination over (createdAt, id), the order of every list endpoint. */
final class Pages {
  private Pages() {}

  /**
   * Fetches one page of {@code type} (an entity with {@code createdAt} and {@code id}) matching
   * {@code where} (on alias {@code e}), plus one row to tell whether another page follows.
   */
  static <R> List<R> fetch(
      Session s, Class<R> type, String where, Map<String, Object> params, PageRequest page) {
    StringBuilder hql =
        new StringBuilder("from ").append(type.getSimpleName()).append(" e where ").append(where);
    Cursors.Position after = page.cursor() == null ? null : Cursors.decode(page.cursor());
    if (after != null) {
      hql.append(" and (e.createdAt > :c or (e.createdAt = :c and e.id > :id))");
    }
    hql.append(" order by e.createdAt, e.id");
    var q = s.createQuery(hql.toString(), type);
    params.forEach(q::setParameter);
    if (after != null) {
      q.setParameter("c", after.createdAt()).setParameter("id", after.id());
    }
    return q.setMaxResults(page.size() + 1).list();
  }

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
