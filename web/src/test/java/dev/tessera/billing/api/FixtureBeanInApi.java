package dev.tessera.billing.api;

import jakarta.enterprise.context.ApplicationScoped;

/** A fixture for {@code ModularityRulesTest}: a CDI bean where only contracts belong. */
@ApplicationScoped
public class FixtureBeanInApi {}
