package dev.tessera.web.telemetry;

import dev.tessera.routing.api.InstanceTelemetry;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.web.platform.StrictJson;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/**
 * This instance's telemetry switches (platform operator only): pause or resume the gateway's
 * metrics and its tracing without a restart. The instance that answers is the one switched; behind
 * a load balancer, address each instance.
 */
@Path("v1/telemetry")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InstanceTelemetryResource {
  @Inject Caller caller;
  @Inject InstanceTelemetry telemetry;

  /**
   * {@code {"metrics": bool, "tracing": bool}}, either or both; an absent field keeps its value.
   * Read by hand, not bound: a binder takes {@code "no"} for false, and a switch must be a boolean.
   */
  @PUT
  public InstanceTelemetry.State update(String body) {
    caller.requirePlatformAdmin();
    JsonObject o = StrictJson.object(body, Set.of("metrics", "tracing"));
    if (o.isEmpty()) {
      throw InvalidInputException.field(
          "body", "give \"metrics\" and/or \"tracing\", each true or false");
    }
    return telemetry.set(flag(o, "metrics"), flag(o, "tracing"));
  }

  @GET
  public InstanceTelemetry.State state() {
    caller.requirePlatformAdmin();
    return telemetry.state();
  }

  private static Boolean flag(JsonObject o, String key) {
    JsonValue v = o.get(key);
    if (v == null) {
      return null;
    }
    return switch (v.getValueType()) {
      case TRUE -> Boolean.TRUE;
      case FALSE -> Boolean.FALSE;
      default -> throw InvalidInputException.field(key, "must be true or false");
    };
  }
}
