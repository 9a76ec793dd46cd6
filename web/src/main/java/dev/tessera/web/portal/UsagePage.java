package dev.tessera.web.portal;

import dev.tessera.billing.api.UsageQuery;
import dev.tessera.billing.api.UsageReports;
import dev.tessera.billing.api.UsageRow;
import dev.tessera.governance.api.DecisionLog;
import dev.tessera.governance.api.DecisionQuery;
import dev.tessera.governance.api.DecisionView;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Usage over a window: requests and cost per day as a chart (with the same numbers as a table for
 * screen readers), a breakdown by model, key, tag or day, and the CSV of every call.
 */
@Named
@ViewScoped
public class UsagePage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject UsageReports reports;
  @Inject DecisionLog decisions;

  /** The most decisions the latency, cache and router table reads for one window. */
  static final int MAX_DECISIONS = 20_000;

  private LocalDate from = LocalDate.now(ZoneOffset.UTC).minusDays(29);
  private LocalDate to = LocalDate.now(ZoneOffset.UTC);
  private UsageQuery.GroupBy groupBy = UsageQuery.GroupBy.MODEL;
  private List<UsageRow> daily = List.of();
  private List<UsageRow> rows = List.of();
  private List<RequestQuality> quality = List.of();
  private boolean qualityCapped;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.USAGE;
  }

  @Override
  protected void refresh() {
    if (from == null || to == null || to.isBefore(from)) {
      error("Choose a start date on or before the end date.");
      return;
    }
    TenantId t = require(Permissions.USAGE);
    var start = from.atStartOfDay().toInstant(ZoneOffset.UTC);
    var end = to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    daily =
        reports.report(t, new UsageQuery(start, end, UsageQuery.GroupBy.DAY)).stream()
            .sorted(Comparator.comparing(UsageRow::group))
            .toList();
    rows = reports.report(t, new UsageQuery(start, end, groupBy));
    readQuality(t, start, end);
  }

  /**
   * Latency, cache and router figures from the decision log (billing records neither), newest first
   * and at most {@link #MAX_DECISIONS}; when the window holds more, the table says so.
   */
  private void readQuality(TenantId t, Instant start, Instant end) {
    List<DecisionView> read = new ArrayList<>();
    String cursor = null;
    do {
      Page<DecisionView> page =
          decisions.search(
              t,
              new DecisionQuery(start, end, null, null),
              PageRequest.of(cursor, PageRequest.MAX_SIZE));
      read.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null && read.size() < MAX_DECISIONS);
    qualityCapped = cursor != null;
    quality = RequestQuality.of(read);
  }

  /** The form's "Show" button. */
  public void apply() {
    refresh();
  }

  /** Chart.js configuration: requests (bars) and cost in credits (line) per day. */
  public String getChart() {
    JsonArrayBuilder labels = Json.createArrayBuilder();
    JsonArrayBuilder requests = Json.createArrayBuilder();
    JsonArrayBuilder cost = Json.createArrayBuilder();
    for (UsageRow r : daily) {
      labels.add(r.group());
      requests.add(r.requests());
      cost.add(BigDecimal.valueOf(r.cost(), 6));
    }
    return Json.createObjectBuilder()
        .add("type", "bar")
        .add(
            "data",
            Json.createObjectBuilder()
                .add("labels", labels)
                .add(
                    "datasets",
                    Json.createArrayBuilder()
                        .add(
                            Json.createObjectBuilder()
                                .add("type", "bar")
                                .add("label", "Requests")
                                .add("data", requests)
                                .add("backgroundColor", "#3b6ea8")
                                .add("maxBarThickness", 48)
                                .add("yAxisID", "y"))
                        .add(
                            Json.createObjectBuilder()
                                .add("type", "line")
                                .add("label", "Cost (credits)")
                                .add("data", cost)
                                .add("borderColor", "#b3541e")
                                .add("backgroundColor", "#b3541e")
                                .add("yAxisID", "y1"))))
        .add(
            "options",
            Json.createObjectBuilder()
                .add("responsive", true)
                .add("maintainAspectRatio", false)
                .add(
                    "scales",
                    Json.createObjectBuilder()
                        .add(
                            "y",
                            Json.createObjectBuilder()
                                .add("beginAtZero", true)
                                .add("position", "left"))
                        .add(
                            "y1",
                            Json.createObjectBuilder()
                                .add("beginAtZero", true)
                                .add("position", "right")
                                .add(
                                    "grid",
                                    Json.createObjectBuilder().add("drawOnChartArea", false)))))
        .build()
        .toString();
  }

  /** The CSV export's address for this window. */
  public String getCsvUrl() {
    return "usage.csv?tenant=" + getTenantId() + "&from=" + from + "&to=" + to;
  }

  public long getTotalRequests() {
    return daily.stream().mapToLong(UsageRow::requests).sum();
  }

  public long getTotalCost() {
    return daily.stream().mapToLong(UsageRow::cost).sum();
  }

  public UsageQuery.GroupBy[] getGroupings() {
    return UsageQuery.GroupBy.values();
  }

  public List<UsageRow> getDaily() {
    return daily;
  }

  public List<UsageRow> getRows() {
    return rows;
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

  public UsageQuery.GroupBy getGroupBy() {
    return groupBy;
  }

  public void setGroupBy(UsageQuery.GroupBy groupBy) {
    this.groupBy = groupBy;
  }

  public List<RequestQuality> getQuality() {
    return quality;
  }

  public boolean isQualityCapped() {
    return qualityCapped;
  }

  public int getMaxDecisions() {
    return MAX_DECISIONS;
  }
}
