package dev.tessera.tenancy.api;

import java.net.URI;

/**
 * Where tenants may point webhooks (batch completions, budget alerts). A webhook is a request the
 * platform makes on a tenant's behalf from inside the operator's network; without this a tenant
 * could have Tessera call its own admin port, the cloud metadata service or anything else private.
 * Allowed: absolute http(s) URLs without credentials whose host resolves only to public addresses,
 * or to networks the operator lists in {@code TESSERA_WEBHOOKS_ALLOWED_NETWORKS}.
 */
public interface WebhookTargets {
  /**
   * The URL a tenant registers, checked now: the URI if allowed, else a 400 naming {@code field}.
   */
  URI check(String field, String url);

  /**
   * Checked again right before each delivery, because what a name resolves to can change after it
   * was registered: true if every address of the host is allowed now.
   */
  boolean deliverable(URI target);
}
