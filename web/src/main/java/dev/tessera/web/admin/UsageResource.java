package dev.tessera.web.admin;

import dev.tessera.billing.api.UsageQuery;
import dev.tessera.billing.api.UsageReports;
import dev.tessera.billing.api.UsageRow;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Usage and cost of a tenant's model calls, grouped by day, model, key or tag, and every settled
 * call as a streamed CSV. Read from the analytics data source (a replica when configured).
 */
@Path("v1/tenants/{tenantId}/usage")
@RequestScoped
public class UsageResource {
  @Inject Caller caller;
  @Inject UsageReports reports;

  /** One report: its window, grouping and rows. */
  public record Report(String from, String to, String groupBy, List<Row> data) {}

  /** A row as shown, with the cost per successful request. */
  public record Row(
      String group,
      long requests,
      long failed,
      long inputTokens,
      long outputTokens,
      long cachedTokens,
      long cost,
      long costPerRequest) {
    static Row of(UsageRow r) {
      return new Row(
          r.group(),
          r.requests(),
          r.failed(),
          r.inputTokens(),
          r.outputTokens(),
          r.cachedTokens(),
          r.cost(),
          r.costPerRequest());
    }
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Report report(
      @PathParam("tenantId") String tenantId,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("groupBy") String groupBy) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.BILLING, Role.VIEWER);
    UsageQuery q = query(from, to, groupBy);
    return new Report(
        q.from().toString(),
        q.to().toString(),
        q.groupBy().name().toLowerCase(java.util.Locale.ROOT),
        reports.report(tenant, q).stream().map(Row::of).toList());
  }

  @GET
  @Path("export.csv")
  @Produces("text/csv")
  public Response export(
      @PathParam("tenantId") String tenantId,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.BILLING, Role.VIEWER);
    UsageQuery q = query(from, to, "day");
    StreamingOutput body =
        out -> {
          BufferedWriter w =
              new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16_384);
          reports.exportCsv(tenant, q, w);
          w.flush();
        };
    return Response.ok(body, "text/csv; charset=utf-8")
        .header("Content-Disposition", "attachment; filename=\"usage.csv\"")
        .build();
  }

  /** Defaults: the last 30 days, grouped by day. */
  static UsageQuery query(String from, String to, String groupBy) {
    Instant end = instant("to", to, Instant.now());
    Instant start = instant("from", from, end.minus(Duration.ofDays(30)));
    return new UsageQuery(
        start,
        end,
        BudgetsResource.parse(
            UsageQuery.GroupBy.class, "groupBy", groupBy, UsageQuery.GroupBy.DAY));
  }

  private static Instant instant(String field, String raw, Instant fallback) {
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return Instant.parse(raw.strip());
    } catch (DateTimeParseException e) {
      try {
        return java.time.LocalDate.parse(raw.strip())
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant();
      } catch (DateTimeParseException e2) {
        throw InvalidInputException.field(field, "must be an ISO-8601 instant or date");
      }
    }
  }
}
