package dev.tessera.routing.api;

/** A running streamed answer: which model serves it, and how to stop it (client went away). */
public interface StreamHandle {
  String requestedModel();

  String servedModel();

  /** Stops the stream and aborts the upstream call. Idempotent. */
  void cancel();
}
