package dev.tessera.billing.api;

import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tier;

/**
 * The tenant's credits: holds before model calls, settlements after, and every other movement, each
 * recorded as an append-only event. The database decides every check, so no two instances can spend
 * the same credit.
 */
public interface CreditLedger {
  /**
   * Holds the request's worst-case cost; idempotent on the request id.
   *
   * @throws InsufficientCreditsException when the available credits cannot cover it
   * @throws BudgetExceededException when a hard budget would be crossed
   */
  Hold reserve(HoldRequest request);

  /** Charges the actual cost and releases the rest of the hold, once. */
  Settlement settle(TenantId tenant, Tier tier, String requestId, ServedUsage usage);

  /**
   * Holds and settles in one transaction, for answers whose usage is known before anything is spent
   * (cache hits) or that cost nothing (built-in models, still recorded).
   *
   * @throws InsufficientCreditsException when the available credits cannot cover it
   */
  Settlement charge(HoldRequest hold, ServedUsage usage);

  /**
   * Records a call whose usage is known and nothing was spent for it yet: when it costs nothing
   * (the built-in models, free cache hits) the record is written asynchronously in batches (a crash
   * may lose the last fraction of a second of such zero-cost records, never credits); otherwise as
   * {@link #charge}, synchronously.
   *
   * @throws InsufficientCreditsException when it costs something the credits cannot cover
   */
  void meter(HoldRequest hold, ServedUsage usage);

  /** Gives the whole hold back (the call failed before producing anything); idempotent. */
  void release(TenantId tenant, String requestId, String reason);

  /** Records a movement outside a call (grant, purchase, refund, adjustment, expiry). */
  LedgerEvent record(TenantId tenant, Movement movement);

  Balance balance(TenantId tenant);

  /** The events, oldest first, one page at a time. */
  Page<LedgerEvent> events(TenantId tenant, PageRequest page);

  /** Recomputes the tenant's projection from its events and repairs any drift. */
  Reconciliation reconcile(TenantId tenant);

  /** Releases the tenant's holds whose requests died; returns how many. */
  int reapExpired(TenantId tenant);
}
