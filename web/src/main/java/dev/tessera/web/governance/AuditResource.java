package dev.tessera.web.governance;

import dev.tessera.governance.api.AuditCheckpoint;
import dev.tessera.governance.api.AuditEntry;
import dev.tessera.governance.api.AuditLog;
import dev.tessera.governance.api.AuditQuery;
import dev.tessera.governance.api.AuditVerification;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A tenant's audit log: list (cursor-paginated), verify the chain, export as JSON Lines or CSV, and
 * sign a checkpoint now.
 */
@Path("v1/tenants/{tenantId}/audit")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  private static final JsonProvider JSON = JsonProvider.provider();

  /** The CSV export's header line (the portal's export writes the same). */
  public static final String CSV_HEADER =
      "seq,id,created_at,actor,address,action,target_type,target_id,before,after,"
          + "reference,prev_hash,entry_hash\n";

  @Inject Caller caller;
  @Inject AuditLog audit;

  /** One page of entries, oldest first. */
  public record EntryPage(java.util.List<AuditEntry> data, String nextCursor) {}

  @GET
  public EntryPage list(
      @PathParam("tenantId") String tenantId,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("actor") String actor,
      @QueryParam("action") String action,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    Page<AuditEntry> page =
        audit.list(tenant, query(from, to, actor, action), PageRequest.of(cursor, limit(limit)));
    return new EntryPage(page.items(), page.nextCursor());
  }

  @POST
  @Path("verify")
  public AuditVerification verify(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return audit.verify(tenant);
  }

  @POST
  @Path("checkpoints")
  public Response checkpoint(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    AuditCheckpoint cp =
        audit
            .checkpoint(tenant)
            .orElseThrow(
                () -> new dev.tessera.tenancy.api.ConflictException("The audit log is empty."));
    return Response.status(Response.Status.CREATED).entity(cp).build();
  }

  @GET
  @Path("export")
  @Produces({"application/x-ndjson", "text/csv"})
  public Response export(
      @PathParam("tenantId") String tenantId,
      @QueryParam("format") String format,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("actor") String actor,
      @QueryParam("action") String action) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    AuditQuery q = query(from, to, actor, action);
    boolean csv;
    if (format == null || format.isBlank() || format.equalsIgnoreCase("jsonl")) {
      csv = false;
    } else if (format.equalsIgnoreCase("csv")) {
      csv = true;
    } else {
      throw InvalidInputException.field("format", "must be jsonl or csv");
    }
    StreamingOutput body =
        out -> {
          Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16384);
          try {
            if (csv) {
              w.write(CSV_HEADER);
            }
            audit.export(tenant, q, e -> write(w, e, csv));
          } catch (UncheckedIOException e) {
            throw e.getCause();
          }
          w.flush();
        };
    return Response.ok(body, csv ? "text/csv; charset=utf-8" : "application/x-ndjson")
        .header(
            "Content-Disposition", "attachment; filename=\"audit." + (csv ? "csv" : "jsonl") + "\"")
        .build();
  }

  /** One entry as a JSON Lines or CSV line (the portal's export writes the same). */
  public static void write(Writer w, AuditEntry e, boolean csv) {
    try {
      if (csv) {
        w.write(
            String.join(
                ",",
                Long.toString(e.seq()),
                e.id().toString(),
                e.createdAt().toString(),
                cell(e.actor()),
                cell(e.address()),
                cell(e.action()),
                cell(e.targetType()),
                cell(e.targetId()),
                cell(e.before()),
                cell(e.after()),
                cell(e.reference()),
                e.prevHash(),
                e.entryHash()));
      } else {
        JsonObjectBuilder o =
            JSON.createObjectBuilder()
                .add("seq", e.seq())
                .add("id", e.id().toString())
                .add("createdAt", e.createdAt().toString())
                .add("actor", e.actor());
        opt(o, "address", e.address());
        o.add("action", e.action());
        opt(o, "targetType", e.targetType());
        opt(o, "targetId", e.targetId());
        if (e.before() != null) {
          o.add("before", JSON.createReader(new java.io.StringReader(e.before())).readValue());
        }
        if (e.after() != null) {
          o.add("after", JSON.createReader(new java.io.StringReader(e.after())).readValue());
        }
        opt(o, "reference", e.reference());
        o.add("prevHash", e.prevHash()).add("entryHash", e.entryHash());
        w.write(o.build().toString());
      }
      w.write('\n');
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static void opt(JsonObjectBuilder o, String name, String value) {
    if (value != null) {
      o.add(name, value);
    }
  }

  /** RFC 4180: quoted when it holds a comma, quote or line break; a leading =+-@ is defused. */
  static String cell(String v) {
    if (v == null) {
      return "";
    }
    String s = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
    if (s.indexOf(',') >= 0
        || s.indexOf('"') >= 0
        || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  private static AuditQuery query(String from, String to, String actor, String action) {
    Instant f = Times.parse("from", from);
    Instant t = Times.parse("to", to);
    if (f != null && t != null && !f.isBefore(t)) {
      throw InvalidInputException.field("to", "must be after 'from'");
    }
    return new AuditQuery(f, t, blank(actor), blank(action));
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  static Integer limit(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(raw.trim());
    } catch (NumberFormatException e) {
      throw InvalidInputException.field("limit", "must be an integer");
    }
  }
}
