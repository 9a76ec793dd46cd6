package dev.tessera.routing.api;

import java.util.Arrays;

/** The vector of the input at {@code index}. Equality compares vector contents. */
public record Embedding(int index, float[] vector) {
  public Embedding {
    vector = vector.clone();
  }

  @Override
  public float[] vector() {
    return vector.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Embedding e && e.index == index && Arrays.equals(e.vector, vector);
  }

  @Override
  public int hashCode() {
    return 31 * index + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "Embedding[index=" + index + ", dimensions=" + vector.length + "]";
  }
}
