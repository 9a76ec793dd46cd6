package dev.tessera.governance.api;

import java.time.Instant;

/** Filters of a decision search; every field optional, {@code to} exclusive. */
public record DecisionQuery(Instant from, Instant to, String model, String outcome) {}
