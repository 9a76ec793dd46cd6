package dev.tessera.web.governance;

import dev.tessera.governance.api.ResolvedPrompt;
import jakarta.ws.rs.core.Response;

/** Names the prompt version a /v1 answer was served with, in its response headers. */
public final class PromptHeaders {
  private PromptHeaders() {}

  public static Response.ResponseBuilder add(Response.ResponseBuilder b, ResolvedPrompt served) {
    if (served == null) {
      return b;
    }
    b.header("x-tessera-prompt", served.name())
        .header("x-tessera-prompt-version", Integer.toString(served.version()));
    if (served.label() != null) {
      b.header("x-tessera-prompt-label", served.label());
    }
    return b;
  }
}
