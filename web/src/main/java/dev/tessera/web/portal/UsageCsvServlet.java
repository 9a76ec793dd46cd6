package dev.tessera.web.portal;

import dev.tessera.billing.api.UsageQuery;
import dev.tessera.billing.api.UsageReports;
import dev.tessera.tenancy.api.TenantView;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The usage page's CSV export: every settled call of the window, streamed as the billing module
 * writes it, under the same access rules as the page (the session's user, its tenant and roles).
 */
@WebServlet("/portal/usage.csv")
public class UsageCsvServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient PortalAccess access;
  @Inject transient UsageReports reports;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    TenantView tenant;
    try {
      tenant = access.tenant(request.getParameter("tenant"), Permissions.USAGE);
    } catch (PortalDenied d) {
      response.sendError(d.status(), d.getMessage());
      return;
    }
    LocalDate from;
    LocalDate to;
    try {
      to = date(request.getParameter("to"), LocalDate.now(ZoneOffset.UTC));
      from = date(request.getParameter("from"), to.minusDays(29));
    } catch (DateTimeParseException e) {
      response.sendError(400, "Dates are written 2026-12-31.");
      return;
    }
    response.setContentType("text/csv");
    response.setCharacterEncoding("UTF-8");
    response.setHeader(
        "Content-Disposition",
        "attachment; filename=\"usage-" + tenant.slug() + "-" + from + "-" + to + ".csv\"");
    response.setHeader("Cache-Control", "no-store");
    try (Writer out =
        new java.io.BufferedWriter(
            new java.io.OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8))) {
      reports.exportCsv(
          tenant.id(),
          new UsageQuery(
              from.atStartOfDay().toInstant(ZoneOffset.UTC),
              to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC),
              UsageQuery.GroupBy.DAY),
          out);
    }
  }

  private static LocalDate date(String raw, LocalDate fallback) {
    return raw == null || raw.isBlank() ? fallback : LocalDate.parse(raw.strip());
  }
}
