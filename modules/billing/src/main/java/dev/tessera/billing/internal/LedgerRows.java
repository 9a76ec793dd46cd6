package dev.tessera.billing.internal;

import dev.tessera.billing.api.LedgerEvent;
import dev.tessera.billing.api.TokenCounts;
import dev.tessera.tenancy.api.Cursors;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Rows of the billing tables as API records, and keyset pages over them. */
final class LedgerRows {
  private LedgerRows() {}

  static LedgerEvent event(ResultSet rs) throws SQLException {
    return new LedgerEvent(
        (UUID) rs.getObject("id"),
        rs.getString("type"),
        rs.getLong("amount"),
        rs.getLong("balance_delta"),
        rs.getLong("hold_delta"),
        rs.getString("request_id"),
        (UUID) rs.getObject("api_key_id"),
        rs.getString("tag"),
        rs.getString("model_requested"),
        rs.getString("model_served"),
        rs.getObject("tokens_in") == null
            ? null
            : new TokenCounts(
                rs.getLong("tokens_in"), rs.getLong("tokens_out"), rs.getLong("tokens_cached")),
        rs.getString("cache"),
        rs.getString("actor"),
        rs.getString("reason"),
        rs.getTimestamp("created_at").toInstant());
  }

  /** Reads one row of a result into an API record. */
  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /**
   * One keyset page of {@code selectFrom} (a SELECT ... FROM ..., rows ordered by {@code
   * created_at, id} of {@code alias}), plus one row to tell whether another page follows.
   */
  static <T> List<T> fetch(
      Connection c, String selectFrom, String alias, PageRequest page, RowReader<T> reader)
      throws SQLException {
    Cursors.Position after = page.cursor() == null ? null : Cursors.decode(page.cursor());
    String key = "(" + alias + ".created_at, " + alias + ".id)";
    String sql =
        selectFrom
            + (after == null ? "" : " WHERE " + key + " > (?, ?)")
            + " ORDER BY "
            + alias
            + ".created_at, "
            + alias
            + ".id LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (after != null) {
        ps.setTimestamp(i++, Timestamp.from(after.createdAt()));
        ps.setObject(i++, after.id());
      }
      ps.setInt(i, page.size() + 1);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    }
  }

  /** The first {@code size} rows, and a cursor when one more row was fetched. */
  static <T> Page<T> page(
      List<T> rows, int size, Function<T, Instant> createdAt, Function<T, UUID> id) {
    if (rows.size() <= size) {
      return new Page<>(rows, null);
    }
    List<T> kept = rows.subList(0, size);
    T last = kept.get(size - 1);
    return new Page<>(List.copyOf(kept), Cursors.encode(createdAt.apply(last), id.apply(last)));
  }
}
