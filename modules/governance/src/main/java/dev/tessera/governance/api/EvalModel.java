package dev.tessera.governance.api;

import dev.tessera.tenancy.api.TenantId;
import jakarta.json.JsonObject;
import java.util.UUID;

/**
 * How evals reach a model: implemented where the gateway is visible (governance sits left of
 * routing), billed to the tenant like any call.
 */
public interface EvalModel {
  /** The answer's text and completion tokens. */
  record Answer(String text, int completionTokens) {}

  Answer answer(TenantId tenant, UUID keyId, String requestId, JsonObject chatBody);
}
