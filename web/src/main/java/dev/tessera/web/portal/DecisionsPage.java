package dev.tessera.web.portal;

import dev.tessera.governance.api.DecisionLog;
import dev.tessera.governance.api.DecisionQuery;
import dev.tessera.governance.api.DecisionView;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tenant's decision log (governance): one entry per model request, searched by time, model and
 * outcome, newest first, a page at a time; one request id opens every recorded field. Admins and
 * viewers, as {@code GET …/decisions}.
 */
@Named
@ViewScoped
public class DecisionsPage extends TenantPage {
  private static final long serialVersionUID = 1L;
  static final int PAGE_SIZE = 25;

  @Inject DecisionLog decisions;

  private LocalDate from;
  private LocalDate to;
  private String model;
  private String outcome;
  private String requestId;
  private List<DecisionView> list = List.of();
  private final List<String> cursors = new ArrayList<>(List.of(""));
  private String nextCursor;
  private DecisionView opened;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.LOGS;
  }

  @Override
  protected void refresh() {
    if (from != null && to != null && to.isBefore(from)) {
      error("Choose a start date on or before the end date.");
      list = List.of();
      nextCursor = null;
      return;
    }
    String cursor = cursors.get(cursors.size() - 1);
    Page<DecisionView> page =
        decisions.search(
            require(Permissions.LOGS),
            new DecisionQuery(
                AuditPage.start(from),
                AuditPage.end(to),
                AuditPage.blankToNull(model),
                AuditPage.blankToNull(outcome)),
            PageRequest.of(cursor.isEmpty() ? null : cursor, PAGE_SIZE));
    list = page.items();
    nextCursor = page.nextCursor();
  }

  /** The search form's button: the first page of the new search. */
  public void apply() {
    cursors.clear();
    cursors.add("");
    opened = null;
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

  /** Opens one request id (typed, or a row's "Open"); another tenant's or none: not found. */
  public void open(String id) {
    String wanted = AuditPage.blankToNull(id);
    opened = null;
    if (wanted == null) {
      error("Enter a request id.");
      return;
    }
    opened = decisions.get(require(Permissions.LOGS), wanted).orElse(null);
    if (opened == null) {
      error("No decision with request id " + wanted + " in this organization.");
    }
  }

  /** The "Open" button next to the request id field. */
  public void openTyped() {
    open(requestId);
  }

  public List<String> getOutcomes() {
    return List.of("ok", "error", "cancelled");
  }

  public List<DecisionView> getList() {
    return list;
  }

  public DecisionView getOpened() {
    return opened;
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

  public String getModel() {
    return model;
  }

  public void setModel(String model) {
    this.model = model;
  }

  public String getOutcome() {
    return outcome;
  }

  public void setOutcome(String outcome) {
    this.outcome = outcome;
  }

  public String getRequestId() {
    return requestId;
  }

  public void setRequestId(String requestId) {
    this.requestId = requestId;
  }
}
