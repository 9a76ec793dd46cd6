package dev.tessera.governance.api;

/**
 * Who did something, as the audit log records it: {@code operator}, {@code key:<id>} or {@code
 * user:<id>}, and the network address the request came from (null when not from a request).
 */
public record Actor(String id, String address) {
  public Actor {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("an actor needs an id");
    }
  }

  public static Actor system(String job) {
    return new Actor("system:" + job, null);
  }
}
