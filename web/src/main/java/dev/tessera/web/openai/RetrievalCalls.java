package dev.tessera.web.openai;

import dev.tessera.retrieval.api.Reader;
import dev.tessera.tenancy.api.KeyPrincipal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

/**
 * What /v1/retrieval borrows from the /v1 plumbing: the request's gateway call (id, deadline,
 * fallback, tag) for a reader, and the body parser.
 */
@ApplicationScoped
public class RetrievalCalls {
  @Inject Inference inference;

  public Reader reader(KeyPrincipal key) {
    return new Reader(inference.call(key), key.roles());
  }

  public static JsonObject parse(String body) {
    return Inference.parse(body);
  }
}
