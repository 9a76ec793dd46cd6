package dev.tessera.billing.internal;

import dev.tessera.billing.api.HoldRequest;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The ledger's hot path with group commit: the holds, settles and releases of one tenant that
 * arrive while that tenant's previous batch commits are written together by {@code
 * tessera_meta.billing_apply}, one round trip and one commit for all of them: as a set (one
 * statement per table for the whole batch) when every operation in it would succeed, otherwise each
 * as one call of its sealed writer, refused alone. A call returns only once its batch committed, so
 * a hold exists before the provider is called and a charge is durable before the answer leaves, as
 * with one transaction per operation; what changes is that a tenant's account row is locked once
 * per batch instead of once per operation.
 */
@ApplicationScoped
public class LedgerBatches {
  /**
   * At most PostgreSQL's 64 cached subtransactions per backend: a batch the set cannot write (V52)
   * is written with one subtransaction per operation, after the set's own was rolled back.
   */
  static final int MAX_BATCH = 64;

  @Inject TenantData data;

  /** Off: one transaction per operation, as before group commit (for benchmarks and bisecting). */
  @Inject
  @ConfigProperty(name = "tessera.billing.group-commit", defaultValue = "true")
  boolean enabled;

  private GroupCommit<TenantId, LedgerApply.Op, LedgerApply.Outcome> commits;

  @PostConstruct
  void start() {
    commits = new GroupCommit<>(this::write, MAX_BATCH);
  }

  LedgerApply.Outcome reserve(HoldRequest r, long amount) {
    return submit(
        r.tenant(),
        new LedgerApply.Op(
            "reserve",
            r.requestId(),
            amount,
            r.keyId(),
            r.tag(),
            r.model(),
            r.expiresAt(),
            r.keyId() == null ? "gateway" : "key:" + r.keyId(),
            null,
            null,
            null,
            null,
            null));
  }

  LedgerApply.Outcome settle(TenantId tenant, String requestId, long cost, ServedUsage usage) {
    return submit(
        tenant,
        new LedgerApply.Op(
            "settle",
            requestId,
            cost,
            null,
            null,
            usage.servedModel(),
            null,
            "gateway",
            clamp(usage.tokens().input()),
            clamp(usage.tokens().output()),
            clamp(usage.tokens().cached()),
            usage.cache().name().toLowerCase(Locale.ROOT),
            null));
  }

  LedgerApply.Outcome release(TenantId tenant, String requestId, String reason) {
    return submit(
        tenant,
        new LedgerApply.Op(
            "release", requestId, 0, null, null, null, null, "gateway", null, null, null, null,
            reason));
  }

  private LedgerApply.Outcome submit(TenantId tenant, LedgerApply.Op op) {
    return enabled ? commits.submit(tenant, op) : write(tenant, List.of(op)).get(0);
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private List<LedgerApply.Outcome> write(TenantId tenant, List<LedgerApply.Op> batch) {
    return data.inTenantEnteredByWork(tenant, c -> LedgerApply.apply(c, tenant.value(), batch));
  }
}
