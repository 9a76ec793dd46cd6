package dev.tessera.routing.api;

import java.util.List;

/** One page of a tenant's batches, newest first; {@code hasMore} when an older page follows. */
public record BatchPage(List<BatchView> data, boolean hasMore) {}
