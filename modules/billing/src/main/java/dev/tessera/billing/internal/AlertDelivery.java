package dev.tessera.billing.internal;

import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.WebhookSigning;
import dev.tessera.tenancy.api.WebhookTargets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Posts budget alerts to their budget's webhook, signed (see {@link WebhookSigning}), at least
 * once: an alert is marked delivered only after a 2xx; alerts of budgets without a webhook are
 * marked delivered at once (they are read through the API).
 */
@ApplicationScoped
public class AlertDelivery {
  private static final Logger LOG = Logger.getLogger(AlertDelivery.class.getName());
  private static final JsonProvider JSON = JsonProvider.provider();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(3))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  @Inject TenantData data;
  @Inject WebhookTargets webhooks;
  @Inject WebhookSigning signing;

  private record Pending(
      UUID id, UUID budgetId, String window, int threshold, long spent, long limit, String url) {}

  void deliverPending(TenantId tenant) {
    List<Pending> pending =
        data.inTenant(
            tenant,
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT a.id, a.budget_id, a.window_start::text, a.threshold, a.spent,"
                          + " a.limit_amount, b.webhook_url FROM public.budget_alerts a"
                          + " JOIN public.budgets b ON b.tenant_id = a.tenant_id AND b.id ="
                          + " a.budget_id WHERE a.delivered_at IS NULL ORDER BY a.created_at"
                          + " LIMIT 50")) {
                List<Pending> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new Pending(
                            (UUID) rs.getObject(1),
                            (UUID) rs.getObject(2),
                            rs.getString(3),
                            rs.getInt(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getString(7)));
                  }
                }
                return out;
              }
            });
    WebhookSigning.Signer signer = null; // the tenant's secrets, read once for all its alerts
    for (Pending p : pending) {
      if (p.url() != null && signer == null) {
        try {
          signer = signing.signer(tenant);
        } catch (RuntimeException e) {
          LOG.fine("BILL-0042 alert webhooks not signed now, retried later: " + e);
          return;
        }
      }
      if (p.url() == null || post(tenant, signer, p)) {
        markDelivered(tenant, p.id());
      }
    }
  }

  private boolean post(TenantId tenant, WebhookSigning.Signer signer, Pending p) {
    String body =
        JSON.createObjectBuilder()
            .add("type", "budget.threshold_crossed")
            .add("tenant", tenant.toString())
            .add("alertId", p.id().toString())
            .add("budgetId", p.budgetId().toString())
            .add("windowStart", p.window())
            .add("threshold", p.threshold())
            .add("spent", p.spent())
            .add("limit", p.limit())
            .build()
            .toString();
    try {
      URI target = URI.create(p.url());
      if (!webhooks.deliverable(target)) {
        // the name points somewhere private now; the alert stays listed, undelivered
        LOG.fine(
            "BILL-0041 alert webhook of budget " + p.budgetId() + " refused: " + target.getHost());
        return false;
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .timeout(Duration.ofSeconds(5))
              .header("Content-Type", "application/json")
              .header("x-tessera-event", "budget.threshold_crossed")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      // the alert's id names the message: a receiver sees every retry as the same message
      signer.sign("msg_" + p.id().toString().replace("-", ""), body).forEach(request::header);
      HttpResponse<Void> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() / 100 == 2;
    } catch (java.io.IOException | RuntimeException e) {
      LOG.fine("BILL-0040 alert webhook not reached: " + e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void markDelivered(TenantId tenant, UUID alert) {
    data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.budget_alerts SET delivered_at = now() WHERE id = ?")) {
            ps.setObject(1, alert);
            return ps.executeUpdate();
          }
        });
  }
}
