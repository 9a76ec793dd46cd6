package dev.tessera.billing.api;

import dev.tessera.billing.internal.FixtureHidden;

/** A fixture for {@code ModularityRulesTest}: an api type that exposes an internal one. */
public interface FixtureLeakyApi {
  FixtureHidden hidden();
}
