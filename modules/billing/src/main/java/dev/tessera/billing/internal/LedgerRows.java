package dev.tessera.billing.internal;

import dev.tessera.billing.api.LedgerEvent;
import dev.tessera.billing.api.TokenCounts;
import dev.tessera.tenancy.api.Cursors;
import dev.tessera.tenancy.api.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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
