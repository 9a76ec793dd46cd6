package dev.tessera.routing.api;

import java.util.List;
import java.util.Objects;

/** Texts to embed with one model; {@code dimensions} asks for shortened vectors where supported. */
public record EmbeddingRequest(String model, List<String> input, Integer dimensions, String user) {
  public EmbeddingRequest {
    Objects.requireNonNull(model, "model");
    input = List.copyOf(input);
  }
}
