package dev.tessera.web.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A small HTTP client for the admin API, as one credential (operator token or API key). */
final class Api {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String base;
  final String token;

  Api(String base, String token) {
    this.base = base;
    this.token = token;
  }

  Api as(String otherToken) {
    return new Api(base, otherToken);
  }

  Api on(Node node) {
    return new Api(node.baseUrl(), token);
  }

  /** What came back: status, headers and body (parsed as JSON on demand). */
  record Reply(int status, Map<String, List<String>> headers, String body) {
    JsonObject json() {
      try (var r = Json.createReader(new StringReader(body))) {
        return r.readObject();
      }
    }

    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    String contentType() {
      return header("content-type");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  Reply get(String path) {
    return send(request(path).GET());
  }

  Reply delete(String path) {
    return send(request(path).DELETE());
  }

  Reply post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply patch(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> r = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers().map(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  // ---- fixtures -------------------------------------------------------------------------

  /** Creates a tenant and returns its id. */
  String createTenant(String tier) {
    return createTenant(tier, "");
  }

  String createTenant(String tier, String limitsJson) {
    String slug = "t-" + UUID.randomUUID().toString().substring(0, 12);
    Reply r =
        post(
            "/api/v1/tenants",
            "{\"slug\":\""
                + slug
                + "\",\"name\":\"Tenant "
                + slug
                + "\",\"tier\":\""
                + tier
                + "\""
                + (limitsJson.isEmpty() ? "" : ",\"limits\":" + limitsJson)
                + "}");
    if (r.status() != 201) {
      throw new AssertionError("tenant not created: " + r);
    }
    return r.json().getString("id");
  }

  /** Creates an API key with the given scopes and returns {id, key}. */
  String[] createKey(String tenant, String... scopes) {
    StringBuilder s = new StringBuilder();
    for (String sc : scopes) {
      s.append(s.length() == 0 ? "" : ",").append('"').append(sc).append('"');
    }
    Reply r =
        post(
            "/api/v1/tenants/" + tenant + "/api-keys", "{\"name\":\"key\",\"scopes\":[" + s + "]}");
    if (r.status() != 201) {
      throw new AssertionError("key not created: " + r);
    }
    return new String[] {r.json().getString("id"), r.json().getString("key")};
  }

  Reply createUser(String tenant, String email) {
    return post(
        "/api/v1/tenants/" + tenant + "/users",
        "{\"email\":\""
            + email
            + "\",\"displayName\":\"Someone\","
            + "\"password\":\"a long enough secret\",\"roles\":[\"DEVELOPER\"]}");
  }

  /** Every item of a paginated list, following cursors. */
  List<JsonObject> all(String path) {
    List<JsonObject> out = new java.util.ArrayList<>();
    String cursor = null;
    do {
      Reply r = get(path + "?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
      if (r.status() != 200) {
        throw new AssertionError("list failed: " + r);
      }
      JsonObject page = r.json();
      JsonArray data = page.getJsonArray("data");
      data.forEach(v -> out.add(v.asJsonObject()));
      JsonValue next = page.get("nextCursor");
      cursor =
          next == null || next.getValueType() == JsonValue.ValueType.NULL
              ? null
              : page.getString("nextCursor");
    } while (cursor != null);
    return out;
  }
}
