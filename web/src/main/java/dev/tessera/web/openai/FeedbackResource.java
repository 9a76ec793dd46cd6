package dev.tessera.web.openai;

import dev.tessera.governance.api.Feedback;
import dev.tessera.governance.api.FeedbackView;
import dev.tessera.governance.api.NewFeedback;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.KeyPrincipal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/feedback}: {@code {"request_id", "score": "up"|"down"|1-5, "comment", "tags"}} on
 * an answer of the caller's own tenant (another tenant's request id is 404).
 */
@Path("feedback")
@ApplicationScoped
public class FeedbackResource {
  private static final Jsonb JSONB = JsonbBuilder.create();

  @Inject Inference inference;
  @Inject Feedback feedback;

  @POST
  public Response submit(String body) {
    KeyPrincipal key = inference.requireInferenceKey();
    JsonObject o = Inference.parse(body);
    String requestId = o.get("request_id") instanceof JsonString s ? s.getString() : null;
    JsonValue score = o.get("score");
    int value;
    boolean thumb;
    if (score instanceof JsonString s && s.getString().equals("up")) {
      value = 1;
      thumb = true;
    } else if (score instanceof JsonString s && s.getString().equals("down")) {
      value = -1;
      thumb = true;
    } else if (score instanceof JsonNumber n && n.isIntegral()) {
      value = n.intValue();
      thumb = false;
    } else {
      throw InvalidInputException.field("score", "is \"up\", \"down\" or a rating from 1 to 5");
    }
    String comment = o.get("comment") instanceof JsonString s ? s.getString() : null;
    List<String> tags = new ArrayList<>();
    if (o.get("tags") instanceof JsonArray a) {
      for (JsonValue t : a) {
        if (!(t instanceof JsonString s)) {
          throw InvalidInputException.field("tags", "must be an array of strings");
        }
        tags.add(s.getString());
      }
    }
    FeedbackView saved =
        feedback.submit(
            key.tenant(), key.keyId(), new NewFeedback(requestId, value, thumb, comment, tags));
    return Response.status(201).entity(JSONB.toJson(saved)).type("application/json").build();
  }
}
