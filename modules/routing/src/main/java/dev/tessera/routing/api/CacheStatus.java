package dev.tessera.routing.api;

/** How a response was produced, reported in the {@code x-tessera-cache} header. */
public enum CacheStatus {
  HIT,
  MISS,
  SEMANTIC;

  public String header() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
