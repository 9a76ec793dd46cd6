package dev.tessera.retrieval.internal;

import dev.tessera.routing.api.Embedding;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResult;
import dev.tessera.routing.api.Gateway;
import dev.tessera.routing.api.GatewayCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds through the gateway (so routing, billing and the embedding cache apply), and normalises
 * every vector to unit length: the index compares by dot product, which is then cosine.
 */
@ApplicationScoped
class Embedder {
  @Inject Gateway gateway;

  List<float[]> embed(GatewayCall call, String model, List<String> texts) {
    EmbeddingResult result = gateway.embed(call, new EmbeddingRequest(model, texts, null, null));
    List<float[]> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      out.add(null);
    }
    for (Embedding e : result.response().data()) {
      out.set(e.index(), unit(e.vector()));
    }
    return out;
  }

  /** The dot product over the shorter length: the cosine similarity of two unit vectors. */
  static double dot(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }

  static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm == 0) {
      return v;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
