package dev.tessera.routing.internal.batches;

/**
 * When batch work gives way: once the interactive lane's share of request slots in use reaches the
 * threshold (TESSERA_BATCHES_SHED_AT), or the batch lane's queue is full. Interactive calls are
 * never refused for batch work; batch submissions get 503 and workers stop claiming.
 */
final class Shedding {
  private Shedding() {}

  static boolean shed(double interactiveLoad, double batchBacklog, double shedAt) {
    return interactiveLoad >= shedAt || batchBacklog >= 1.0;
  }
}
