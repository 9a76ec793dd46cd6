package dev.tessera.billing.api;

import dev.tessera.tenancy.api.TenantId;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** Usage and cost reports, read from the analytics data source (a replica when configured). */
public interface UsageReports {
  /** At most {@link #MAX_GROUPS} groups, largest cost first. */
  List<UsageRow> report(TenantId tenant, UsageQuery query);

  /** Every settled request in the window as CSV, streamed row by row (never all in memory). */
  void exportCsv(TenantId tenant, UsageQuery query, Writer out) throws IOException;

  int MAX_GROUPS = 1000;
}
