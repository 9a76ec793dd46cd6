package dev.tessera.routing.api;

import dev.tessera.governance.api.safety.SafetyVerdicts;
import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway did for one chat call, for the caller's decision log: the request exactly as it
 * may leave for providers (PII masked or redacted by the tenant's policy), the safety verdicts,
 * every upstream attempt, the route, the serving model and the credits charged. The caller puts an
 * empty report on its {@link GatewayCall}; the gateway fills it as the call goes and the caller
 * reads it once the call has ended (the gateway returned, a stream delivered its end or error, or
 * {@link StreamHandle#cancel()} returned). It holds references only: nothing is copied or
 * serialised on the request path.
 */
public final class CallReport {
  private volatile ChatRequest sent;
  private volatile SafetyVerdicts safety;
  private volatile String route;
  private volatile String served;
  private volatile List<UpstreamAttempt> attempts;
  private volatile long charged;
  private volatile boolean chargeUnknown;

  /** The request as it left (or would have left, for a cache hit) for a provider: masked. */
  public ChatRequest sent() {
    return sent;
  }

  /** What safety decided about the request (and its answer); null when it was never screened. */
  public SafetyVerdicts safety() {
    return safety;
  }

  /** {@code primary}, {@code budget}, {@code challenger} or {@code fallback}; null if unrouted. */
  public String route() {
    return route;
  }

  /** The catalog name of the model that answered; null when none did. */
  public String served() {
    return served;
  }

  /** Every upstream call, in order (empty for a cache hit); null when not known. */
  public List<UpstreamAttempt> attempts() {
    return attempts;
  }

  /**
   * Micro-credits the ledger charged for the call (its repair call included): what settle charged
   * for a held call, the cache-policy price of a cache hit, 0 for free models and for calls that
   * failed or were refused (their hold released); null when a settle failed and the charge is left
   * to the reaper.
   */
  public Long charged() {
    return chargeUnknown ? null : charged;
  }

  // ---- filled by the gateway ---------------------------------------------------------------

  public void sent(ChatRequest request) {
    this.sent = request;
  }

  public void safety(SafetyVerdicts verdicts) {
    this.safety = verdicts;
  }

  public void routed(String route, String served) {
    this.route = route;
    this.served = served;
  }

  /** Adds attempts (a repair call's come after the first call's). */
  public synchronized void attempted(List<UpstreamAttempt> made) {
    List<UpstreamAttempt> known = attempts;
    if (known == null || known.isEmpty()) {
      attempts = List.copyOf(made);
    } else {
      List<UpstreamAttempt> all = new ArrayList<>(known.size() + made.size());
      all.addAll(known);
      all.addAll(made);
      attempts = List.copyOf(all);
    }
  }

  /** Adds what the ledger charged; {@code null}: a settle failed, the charge is not known. */
  public synchronized void charged(Long amount) {
    if (amount == null) {
      chargeUnknown = true;
    } else {
      charged += amount;
    }
  }
}
