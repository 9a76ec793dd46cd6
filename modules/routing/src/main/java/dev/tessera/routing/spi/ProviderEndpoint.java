package dev.tessera.routing.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Where and as whom to call one provider deployment. {@code apiKey} may be {@code null} when {@code
 * headers} already authenticate (Azure OpenAI's {@code api-key}); {@code queryParameters} are
 * appended to every URL (Azure's {@code api-version}); {@code upstreamModel}, when set, replaces
 * the request's model name.
 */
public record ProviderEndpoint(
    URI baseUrl,
    String apiKey,
    Map<String, String> headers,
    Map<String, String> queryParameters,
    String upstreamModel) {

  public ProviderEndpoint {
    Objects.requireNonNull(baseUrl, "baseUrl");
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    queryParameters = queryParameters == null ? Map.of() : Map.copyOf(queryParameters);
  }

  /** An endpoint with a key and nothing else. */
  public static ProviderEndpoint of(String baseUrl, String apiKey) {
    return new ProviderEndpoint(URI.create(baseUrl), apiKey, null, null, null);
  }

  /** The model name to send upstream. */
  public String modelFor(String requestedModel) {
    return upstreamModel != null ? upstreamModel : requestedModel;
  }

  @Override
  public String toString() {
    // Keys never reach logs.
    return "ProviderEndpoint[" + baseUrl + ", model=" + upstreamModel + "]";
  }
}
