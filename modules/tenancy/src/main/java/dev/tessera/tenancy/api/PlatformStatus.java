package dev.tessera.tenancy.api;

/** Whether the data layer is up: the database answers and every migration is applied. */
public interface PlatformStatus {
  boolean ready();

  /** A short human-readable reason when not ready. */
  String detail();
}
