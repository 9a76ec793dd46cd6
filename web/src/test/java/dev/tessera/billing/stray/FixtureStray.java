package dev.tessera.billing.stray;

/**
 * A fixture for {@code ModularityRulesTest}: a package that is neither api, spi, codec nor
 * internal.
 */
public class FixtureStray {}
