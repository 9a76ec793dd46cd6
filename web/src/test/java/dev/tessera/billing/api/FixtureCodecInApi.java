package dev.tessera.billing.api;

import jakarta.json.Json;

/** A fixture for {@code ModularityRulesTest}: a JSON codec where only records belong. */
public final class FixtureCodecInApi {
  public static String encode(String name) {
    return Json.createObjectBuilder().add("name", name).build().toString();
  }
}
