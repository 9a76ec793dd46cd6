package dev.tessera.billing.api;

import java.util.List;

/** A budget to create; {@code scopeValue} is the key id (KEY) or the tag (TAG), none for TENANT. */
public record NewBudget(
    Budget.Scope scope,
    String scopeValue,
    Budget.Period period,
    long limit,
    Budget.Enforcement enforcement,
    List<Integer> alertThresholds,
    String webhookUrl,
    String actor) {}
