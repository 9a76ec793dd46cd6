package dev.tessera.retrieval.internal;

import dev.tessera.billing.internal.FixtureHidden;

/** A fixture for {@code ModularityRulesTest}: one module reaching into another's internals. */
public class FixtureReacher {
  FixtureHidden reached = new FixtureHidden();
}
