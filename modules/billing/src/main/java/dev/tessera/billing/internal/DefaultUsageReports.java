package dev.tessera.billing.internal;

import dev.tessera.billing.api.UsageQuery;
import dev.tessera.billing.api.UsageReports;
import dev.tessera.billing.api.UsageRow;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Usage grouped by day, model, key or tag, from the ledger's SETTLE (successful) and RELEASE
 * (failed) events, on the analytics data source; the CSV export streams with a cursor.
 */
@ApplicationScoped
public class DefaultUsageReports implements UsageReports {
  /** The longest window one report or export may span. */
  static final Duration MAX_WINDOW = Duration.ofDays(400);

  @Inject TenantData data;

  @Override
  public List<UsageRow> report(TenantId tenant, UsageQuery q) {
    validate(q);
    String group =
        switch (q.groupBy()) {
          case DAY -> "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
          case MODEL -> "coalesce(model_requested, '')";
          case KEY -> "coalesce(api_key_id::text, '')";
          case TAG -> "coalesce(tag, '')";
        };
    String sql =
        "SELECT "
            + group
            + " AS g,"
            + " count(*) FILTER (WHERE type = 'SETTLE'),"
            // a request whose hold came back whole, never settled, failed (a settle also
            // releases the unused rest of its hold: that request succeeded)
            + " count(*) FILTER (WHERE type = 'RELEASE' AND EXISTS (SELECT 1 FROM"
            + "   public.credit_reservations r WHERE r.tenant_id = e.tenant_id"
            + "   AND r.request_id = e.request_id AND r.status = 'RELEASED')),"
            + " coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0),"
            + " coalesce(sum(tokens_cached), 0),"
            + " coalesce(sum(-balance_delta) FILTER (WHERE type = 'SETTLE'), 0) AS cost"
            + " FROM public.credit_events e"
            + " WHERE type IN ('SETTLE', 'RELEASE') AND created_at >= ? AND created_at < ?"
            + " GROUP BY g ORDER BY cost DESC, g LIMIT "
            + MAX_GROUPS;
    return data.readOnly(
        tenant,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(q.from()));
            ps.setTimestamp(2, Timestamp.from(q.to()));
            List<UsageRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new UsageRow(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public void exportCsv(TenantId tenant, UsageQuery q, Writer out) throws IOException {
    validate(q);
    try {
      data.readOnly(
          tenant,
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT created_at, request_id, api_key_id, tag, model_requested, model_served,"
                        + " tokens_in, tokens_out, tokens_cached, cache, -balance_delta"
                        + " FROM public.credit_events WHERE type = 'SETTLE'"
                        + " AND created_at >= ? AND created_at < ? ORDER BY created_at, id")) {
              ps.setFetchSize(500); // a cursor: rows arrive in batches, never all at once
              ps.setTimestamp(1, Timestamp.from(q.from()));
              ps.setTimestamp(2, Timestamp.from(q.to()));
              out.write(
                  "time,request_id,api_key_id,tag,model_requested,model_served,"
                      + "input_tokens,output_tokens,cached_tokens,cache,cost_micro_credits\n");
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  StringBuilder line = new StringBuilder();
                  line.append(rs.getTimestamp(1).toInstant());
                  for (int i = 2; i <= 11; i++) {
                    line.append(',').append(csv(rs.getString(i)));
                  }
                  out.write(line.append('\n').toString());
                }
              }
              out.flush();
              return null;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** RFC 4180 quoting; a leading formula character is neutralised for spreadsheets. */
  static String csv(String v) {
    if (v == null) {
      return "";
    }
    String s = v;
    if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("-?\\d+")) {
      s = "'" + s;
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private static void validate(UsageQuery q) {
    if (q.from() == null || q.to() == null || !q.from().isBefore(q.to())) {
      throw InvalidInputException.field("from", "must be before 'to' (ISO-8601 instants)");
    }
    if (Duration.between(q.from(), q.to()).compareTo(MAX_WINDOW) > 0) {
      throw InvalidInputException.field("to", "a report spans at most 400 days");
    }
    if (q.groupBy() == null) {
      throw InvalidInputException.field("groupBy", "must be day, model, key or tag");
    }
  }
}
