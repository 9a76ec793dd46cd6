package dev.tessera.web.portal;

import dev.tessera.governance.api.AuditEntry;
import dev.tessera.governance.api.AuditLog;
import dev.tessera.governance.api.AuditQuery;
import dev.tessera.governance.api.AuditVerification;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tenant's audit log (governance): entries filtered by time and actor, a page at a time (oldest
 * first, as the admin API lists them), a check of the hash chain, and the admin API's JSON Lines
 * and CSV exports of the same filter. Admins and viewers, as {@code GET …/audit}.
 */
@Named
@ViewScoped
public class AuditPage extends TenantPage {
  private static final long serialVersionUID = 1L;
  static final List<Integer> PAGE_SIZES = List.of(10, 25, 100);

  @Inject AuditLog audit;

  private LocalDate from;
  private LocalDate to;
  private String actor;
  private int pageSize = 25;
  private List<AuditEntry> entries = List.of();

  /** The cursor each shown page began at: the last is the current page's, so "Previous" pops. */
  private final List<String> cursors = new ArrayList<>(List.of(""));

  private String nextCursor;
  private AuditVerification verification;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.LOGS;
  }

  @Override
  protected void refresh() {
    if (from != null && to != null && to.isBefore(from)) {
      error("Choose a start date on or before the end date.");
      entries = List.of();
      nextCursor = null;
      return;
    }
    String cursor = cursors.get(cursors.size() - 1);
    Page<AuditEntry> page =
        audit.list(
            require(Permissions.LOGS),
            query(),
            PageRequest.of(cursor.isEmpty() ? null : cursor, pageSize));
    entries = page.items();
    nextCursor = page.nextCursor();
  }

  private AuditQuery query() {
    return new AuditQuery(start(from), end(to), blankToNull(actor), null);
  }

  /** The filter form's button: back to the first page of the new filter. */
  public void apply() {
    cursors.clear();
    cursors.add("");
    refresh();
  }

  public void next() {
    if (nextCursor != null) {
      cursors.add(nextCursor);
      refresh();
    }
  }

  public void previous() {
    if (cursors.size() > 1) {
      cursors.remove(cursors.size() - 1);
      refresh();
    }
  }

  /** Walks the whole chain now (as {@code POST …/audit/verify}). */
  public void verify() {
    verification = audit.verify(require(Permissions.LOGS));
  }

  /** The export link of the current filter: the portal's copy of the admin API's export. */
  public String exportUrl(String format) {
    StringBuilder url =
        new StringBuilder("audit.export?tenant=").append(getTenantId()).append("&format=");
    url.append(format);
    if (from != null) {
      url.append("&from=").append(from);
    }
    if (to != null) {
      url.append("&to=").append(to);
    }
    if (blankToNull(actor) != null) {
      url.append("&actor=").append(URLEncoder.encode(actor.strip(), StandardCharsets.UTF_8));
    }
    return url.toString();
  }

  static Instant start(LocalDate day) {
    return day == null ? null : day.atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** The end of an inclusive day: the next day's midnight, as the query's {@code to} excludes. */
  static Instant end(LocalDate day) {
    return day == null ? null : day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  public List<AuditEntry> getEntries() {
    return entries;
  }

  public boolean isHasNext() {
    return nextCursor != null;
  }

  public boolean isHasPrevious() {
    return cursors.size() > 1;
  }

  public int getPageNumber() {
    return cursors.size();
  }

  public List<Integer> getPageSizes() {
    return PAGE_SIZES;
  }

  public int getPageSize() {
    return pageSize;
  }

  public void setPageSize(int pageSize) {
    this.pageSize = PAGE_SIZES.contains(pageSize) ? pageSize : 25;
  }

  public AuditVerification getVerification() {
    return verification;
  }

  public LocalDate getFrom() {
    return from;
  }

  public void setFrom(LocalDate from) {
    this.from = from;
  }

  public LocalDate getTo() {
    return to;
  }

  public void setTo(LocalDate to) {
    this.to = to;
  }

  public String getActor() {
    return actor;
  }

  public void setActor(String actor) {
    this.actor = actor;
  }
}
