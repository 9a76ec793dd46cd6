package dev.tessera.billing.internal;

/** A fixture for {@code ModularityRulesTest}: an internal type that others must not reach. */
public class FixtureHidden {}
