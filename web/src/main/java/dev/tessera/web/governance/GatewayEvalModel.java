package dev.tessera.web.governance;

import dev.tessera.governance.api.EvalModel;
import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.Gateway;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.GatewayResult;
import dev.tessera.routing.codec.OpenAiRequests;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tenants;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Golden evals reach models through the gateway like any call of the tenant: routed, metered and
 * billed, with the batch deadline and the workflow tag {@code eval}.
 */
@ApplicationScoped
public class GatewayEvalModel implements EvalModel {
  @Inject Gateway gateway;
  @Inject Tenants tenants;

  @Inject
  @ConfigProperty(name = "tessera.gateway.batch-deadline", defaultValue = "PT5M")
  String batchDeadline;

  @Override
  public Answer answer(TenantId tenant, UUID keyId, String requestId, JsonObject chatBody) {
    GatewayCall call =
        new GatewayCall(
            tenant,
            tenants.get(tenant).tier(),
            keyId,
            requestId,
            Deadline.after(Duration.parse(batchDeadline)),
            null,
            "eval");
    GatewayResult r = gateway.chat(call, OpenAiRequests.chat(chatBody));
    StringBuilder text = new StringBuilder();
    for (ChatChoice c : r.response().choices()) {
      if (c.message() != null) {
        text.append(c.message().text());
      }
    }
    return new Answer(
        text.toString(),
        r.response().usage() == null ? 0 : r.response().usage().completionTokens());
  }
}
