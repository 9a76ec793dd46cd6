package dev.tessera.web.it.arquillian;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the deployed Tessera, as one bearer credential, always on loopback. */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  final String base;
  final String token;

  Http(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Arquillian names the instance by its external address; the listener is on loopback. */
  static String loopback(URL deployed) {
    return "http://127.0.0.1:" + deployed.getPort();
  }

  Http as(String otherToken) {
    return new Http(base, otherToken);
  }

  record Reply(int status, HttpResponse<String> raw) {
    String body() {
      return raw.body();
    }

    JsonObject json() {
      try (var r = Json.createReader(new StringReader(raw.body()))) {
        return r.readObject();
      }
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  Reply post(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply put(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Reply send(HttpRequest.Builder b) {
    try {
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r =
          CLIENT.send(
              b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
