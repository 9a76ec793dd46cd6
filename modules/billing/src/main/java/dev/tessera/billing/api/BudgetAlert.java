package dev.tessera.billing.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A budget crossed one of its thresholds in a window; emitted once per threshold and window. */
public record BudgetAlert(
    UUID id,
    UUID budgetId,
    LocalDate windowStart,
    int threshold,
    long spent,
    long limit,
    Instant createdAt,
    Instant deliveredAt) {}
