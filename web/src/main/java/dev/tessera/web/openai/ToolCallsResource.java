package dev.tessera.web.openai;

import dev.tessera.governance.api.safety.tools.ToolCaller;
import dev.tessera.governance.api.safety.tools.ToolExecution;
import dev.tessera.governance.api.safety.tools.Tools;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.KeyPrincipal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/**
 * Typed tools for a tenant's keys: {@code POST /v1/tools/{name}/executions} with {@code
 * {"arguments":{…},"dryRun":false,"idempotencyKey":"…","approvalId":"…"}} runs a tool through its
 * gates; {@code POST /v1/tools/{name}/approvals} with {@code {"arguments":{…}}} asks another admin
 * to approve a sensitive one.
 */
@Path("tools/{name}")
@ApplicationScoped
public class ToolCallsResource {
  private static final Jsonb JSONB = JsonbBuilder.create();

  @Inject Inference inference;
  @Inject Tools tools;

  @POST
  @Path("executions")
  public Response execute(@PathParam("name") String name, String body) {
    KeyPrincipal key = inference.requireInferenceKey();
    JsonObject o = Inference.parse(body);
    ToolExecution e =
        tools.execute(
            caller(key),
            name,
            arguments(o),
            o.getString("idempotencyKey", null),
            o.getBoolean("dryRun", false),
            approval(o));
    return Response.status("dry_run".equals(e.status()) ? 200 : 201)
        .type("application/json")
        .entity(JSONB.toJson(e))
        .build();
  }

  @POST
  @Path("approvals")
  public Response requestApproval(@PathParam("name") String name, String body) {
    KeyPrincipal key = inference.requireInferenceKey();
    ToolExecution e = tools.requestApproval(caller(key), name, arguments(Inference.parse(body)));
    return Response.status(201).type("application/json").entity(JSONB.toJson(e)).build();
  }

  static ToolCaller caller(KeyPrincipal key) {
    return new ToolCaller(key.tenant(), "key:" + key.keyId(), key.roles());
  }

  private static String arguments(JsonObject o) {
    JsonValue a = o.get("arguments");
    if (a == null || a.getValueType() != JsonValue.ValueType.OBJECT) {
      throw InvalidInputException.field("arguments", "a JSON object is required");
    }
    return a.toString();
  }

  private static UUID approval(JsonObject o) {
    String id = o.getString("approvalId", null);
    if (id == null) {
      return null;
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.field("approvalId", "is not an approval id");
    }
  }
}
