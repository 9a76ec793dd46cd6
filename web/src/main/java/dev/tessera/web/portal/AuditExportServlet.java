package dev.tessera.web.portal;

import dev.tessera.governance.api.AuditLog;
import dev.tessera.governance.api.AuditQuery;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.web.governance.AuditResource;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * The audit page's export: the admin API's JSON Lines or CSV ({@code GET …/audit/export}, the same
 * lines written by the same code) for the page's filter, under the page's access rules (the
 * session's user, its tenant, admin or viewer).
 */
@WebServlet("/portal/audit.export")
public class AuditExportServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient PortalAccess access;
  @Inject transient AuditLog audit;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    TenantView tenant;
    try {
      tenant = access.tenant(request.getParameter("tenant"), Permissions.LOGS);
    } catch (PortalDenied d) {
      response.sendError(d.status(), d.getMessage());
      return;
    }
    String format = request.getParameter("format");
    boolean csv;
    if (format == null || format.isBlank() || format.equals("jsonl")) {
      csv = false;
    } else if (format.equals("csv")) {
      csv = true;
    } else {
      response.sendError(400, "The format is jsonl or csv.");
      return;
    }
    AuditQuery query;
    try {
      LocalDate from = date(request.getParameter("from"));
      LocalDate to = date(request.getParameter("to"));
      if (from != null && to != null && to.isBefore(from)) {
        response.sendError(400, "The start date is after the end date.");
        return;
      }
      query =
          new AuditQuery(
              AuditPage.start(from),
              AuditPage.end(to),
              AuditPage.blankToNull(request.getParameter("actor")),
              null);
    } catch (DateTimeParseException e) {
      response.sendError(400, "Dates are written 2026-12-31.");
      return;
    }
    response.setContentType(csv ? "text/csv" : "application/x-ndjson");
    response.setCharacterEncoding("UTF-8");
    response.setHeader(
        "Content-Disposition",
        "attachment; filename=\"audit-" + tenant.slug() + (csv ? ".csv\"" : ".jsonl\""));
    response.setHeader("Cache-Control", "no-store");
    try (Writer out =
        new BufferedWriter(
            new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8), 16384)) {
      if (csv) {
        out.write(AuditResource.CSV_HEADER);
      }
      audit.export(tenant.id(), query, e -> AuditResource.write(out, e, csv));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static LocalDate date(String raw) {
    return raw == null || raw.isBlank() ? null : LocalDate.parse(raw.strip());
  }
}
