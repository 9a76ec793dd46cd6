package dev.tessera.routing.api;

import java.util.List;

/** One vector per input, in input order, and the tokens billed. */
public record EmbeddingResponse(String model, List<Embedding> data, Usage usage) {
  public EmbeddingResponse {
    data = List.copyOf(data);
    usage = usage == null ? Usage.NONE : usage;
  }
}
