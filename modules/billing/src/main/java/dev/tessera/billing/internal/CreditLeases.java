package dev.tessera.billing.internal;

import dev.tessera.billing.api.Hold;
import dev.tessera.billing.api.HoldRequest;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.billing.api.Settlement;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Priced calls admitted in memory against credit this instance leased from the tenant's balance in
 * a block (V54), so a call writes one durable row, its charge, instead of a hold before the
 * provider call and a settle after. The lease itself is a durable hold on the account row: whatever
 * the instances admit, together they can never spend more than the tenant has, and a lease whose
 * instance died is closed by the reaper once it expires, what it had left given back. Charges of
 * one tenant that arrive while its previous batch commits are written together (group commit, one
 * statement and one COMMIT), and a call answers only once its charge committed.
 *
 * <p>Only tenants without budgets and with at least {@code tessera.billing.lease-min-available}
 * available lease; a lease takes at most an eighth of what is available. Everything else (budgets,
 * little credit, a call whose hold would outlive a lease, the lease refused or failing) takes the
 * per-call hold of {@link LedgerBatches}, exactly as before.
 */
@ApplicationScoped
public class CreditLeases {
  private static final Logger LOG = Logger.getLogger(CreditLeases.class.getName());
  private static final String ACTOR = "gateway";

  @Inject TenantData data;

  @Inject
  @ConfigProperty(name = "tessera.billing.leases", defaultValue = "true")
  boolean enabled;

  /** Micro-credits a tenant must have available for an instance to lease any of it. */
  @Inject
  @ConfigProperty(name = "tessera.billing.lease-min-available", defaultValue = "100000000")
  long minAvailable;

  /** Micro-credits one lease asks for (or 64 worst cases of the call that takes it, if more). */
  @Inject
  @ConfigProperty(name = "tessera.billing.lease-size", defaultValue = "10000000")
  long size;

  /** How long a lease stands without a charge; a call whose hold would outlive it is held alone. */
  @Inject
  @ConfigProperty(name = "tessera.billing.lease-ttl", defaultValue = "PT2M")
  String ttlText;

  /** A lease unused this long is closed; a tenant refused a lease is asked again after it. */
  @Inject
  @ConfigProperty(name = "tessera.billing.lease-idle", defaultValue = "PT10S")
  String idleText;

  @Inject
  @ConfigProperty(name = "tessera.billing.group-commit", defaultValue = "true")
  boolean groupCommit;

  private final String holder =
      "instance:"
          + ProcessHandle.current().pid()
          + ":"
          + UUID.randomUUID().toString().substring(0, 8);
  private final ConcurrentHashMap<TenantId, Slot> slots = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Admitted> admitted = new ConcurrentHashMap<>();
  private Duration ttl;
  private long idleNanos;
  private GroupCommit<TenantId, Pending, LeaseSql.Charged> commits;
  private ExecutorService closer;

  @PostConstruct
  void start() {
    ttl = Duration.parse(ttlText);
    idleNanos = Duration.parse(idleText).toNanos();
    commits = new GroupCommit<>(this::write, 256);
    closer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "tessera-lease-closer");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Admits the call on this instance's lease of its tenant, leasing a block first if needed: its
   * hold, or null when the call takes a per-call hold instead.
   */
  Hold admit(HoldRequest r, long amount) {
    if (!enabled || amount <= 0 || r.expiresAt().isAfter(Instant.now().plus(ttl))) {
      return null;
    }
    Admitted before = admitted.get(r.requestId());
    if (before != null) {
      return new Hold(r.requestId(), before.amount(), before.lease().left(), true);
    }
    Slot slot = slots.computeIfAbsent(r.tenant(), t -> new Slot());
    Lease lease = slot.current;
    if (lease == null || !lease.admit(amount, r.expiresAt())) {
      lease = renew(slot, lease, r, amount);
      if (lease == null || !lease.admit(amount, r.expiresAt())) {
        return null;
      }
    }
    Admitted mine = new Admitted(lease, amount, r);
    Admitted raced = admitted.putIfAbsent(r.requestId(), mine);
    if (raced != null) { // the same request held twice at once: the first one holds
      finish(lease, amount, 0);
      return new Hold(r.requestId(), raced.amount(), raced.lease().left(), true);
    }
    return new Hold(r.requestId(), amount, lease.left(), false);
  }

  /**
   * Charges a call admitted on a lease here, once its batch committed; null when it was not (it
   * holds per call). {@code perCall} charges it from the available credit instead, for a lease the
   * reaper closed under it (the call outlived its hold).
   */
  Settlement settle(
      String requestId, long cost, ServedUsage usage, Function<HoldRequest, Settlement> perCall) {
    Admitted a = admitted.remove(requestId);
    if (a == null) {
      return null;
    }
    Lease lease = a.lease();
    HoldRequest r = a.request();
    Pending p =
        new Pending(
            lease,
            Instant.now().plus(ttl),
            new LeaseSql.Charge(
                requestId,
                cost,
                r.keyId(),
                r.tag(),
                r.model(),
                usage.servedModel(),
                clamp(usage.tokens().input()),
                clamp(usage.tokens().output()),
                clamp(usage.tokens().cached()),
                usage.cache().name().toLowerCase(Locale.ROOT)));
    LeaseSql.Charged answer;
    try {
      answer = submit(r.tenant(), p);
    } catch (RuntimeException first) {
      try {
        answer = submit(r.tenant(), p); // idempotent on the request id
      } catch (RuntimeException second) {
        second.addSuppressed(first);
        // the worst case stays spent in memory: the charge may have committed after all
        finish(lease, a.amount(), a.amount());
        LOG.log(
            Level.SEVERE,
            "BILL-0105 charge of "
                + requestId
                + " on lease "
                + lease.id
                + " failed twice; the call is not charged",
            second);
        throw second;
      }
    }
    if (answer.leaseClosed()) {
      retire(lease, "closed under its calls");
      finish(lease, a.amount(), a.amount());
      return perCall.apply(r);
    }
    lease.extend(p.expires());
    finish(lease, a.amount(), answer.charged());
    if (answer.budgets() || answer.available() < minAvailable) {
      // budgets decide per call; and a tenant low on credit keeps it available, not in leases
      Slot slot = slots.get(r.tenant());
      if (slot != null) {
        slot.retryAt = System.nanoTime() + idleNanos;
        slot.clear(lease);
      }
      retire(lease, answer.budgets() ? "the tenant has budgets" : "the tenant runs low on credit");
    }
    return new Settlement(requestId, answer.outcome(), answer.charged());
  }

  /** Gives a call's worst case back to its lease, in memory: true when it was admitted on one. */
  boolean release(String requestId) {
    Admitted a = admitted.remove(requestId);
    if (a == null) {
      return false;
    }
    finish(a.lease(), a.amount(), 0);
    return true;
  }

  /** Closes the leases unused for the idle time (each reaper run). */
  void closeIdle() {
    long now = System.nanoTime();
    for (Slot slot : slots.values()) {
      Lease lease = slot.current;
      if (lease != null && now - lease.lastUsed > idleNanos && slot.clear(lease)) {
        retire(lease, "idle");
      }
    }
  }

  @PreDestroy
  void stop() {
    for (Slot slot : slots.values()) {
      Lease lease = slot.current;
      if (lease != null && slot.clear(lease) && lease.retire()) {
        close(lease, "instance stopping"); // leases with calls in flight: the reaper, on expiry
      }
    }
    closer.shutdown();
    try {
      closer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Lease renew(Slot slot, Lease stale, HoldRequest r, long amount) {
    synchronized (slot) {
      Lease current = slot.current;
      if (current != stale) {
        return current; // another call renewed it meanwhile
      }
      if (System.nanoTime() - slot.retryAt < 0) {
        return null;
      }
      if (stale != null) {
        slot.current = null;
        retire(stale, "superseded");
      }
      UUID id = UUID.randomUUID();
      Instant expires = Instant.now().plus(ttl);
      // a lease worth taking holds many calls like this one: at least 8, asked for 64
      long want = Math.max(size, saturated(amount, 64));
      long least = saturated(amount, 8);
      LeaseSql.Taken taken;
      try {
        taken =
            data.inTenant(
                r.tenant(), c -> LeaseSql.take(c, id, want, least, minAvailable, expires, holder));
      } catch (RuntimeException e) {
        slot.retryAt = System.nanoTime() + idleNanos;
        LOG.log(
            Level.WARNING,
            "BILL-0106 could not lease credit for tenant "
                + r.tenant()
                + "; its calls hold one by one meanwhile",
            e);
        return null;
      }
      if (!taken.granted()) {
        slot.retryAt = System.nanoTime() + idleNanos;
        return null;
      }
      Lease lease = new Lease(r.tenant(), id, taken.amount(), expires);
      slot.current = lease;
      return lease;
    }
  }

  private LeaseSql.Charged submit(TenantId tenant, Pending p) {
    return groupCommit ? commits.submit(tenant, p) : write(tenant, List.of(p)).get(0);
  }

  /** One batch of a tenant's charges, in one transaction: one statement per lease in it. */
  private List<LeaseSql.Charged> write(TenantId tenant, List<Pending> batch) {
    Map<Lease, List<Integer>> byLease = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      byLease.computeIfAbsent(batch.get(i).lease(), l -> new ArrayList<>()).add(i);
    }
    return data.inTenantEnteredByWork(
        tenant,
        c -> {
          LeaseSql.Charged[] answers = new LeaseSql.Charged[batch.size()];
          for (Map.Entry<Lease, List<Integer>> e : byLease.entrySet()) {
            List<LeaseSql.Charge> charges = new ArrayList<>(e.getValue().size());
            Instant expires = Instant.EPOCH;
            for (int i : e.getValue()) {
              charges.add(batch.get(i).charge());
              expires = max(expires, batch.get(i).expires());
            }
            List<LeaseSql.Charged> got =
                LeaseSql.charge(c, tenant.value(), e.getKey().id, expires, charges, ACTOR);
            if (got == null) {
              return null; // moved: rolled back and written again where the tenant lives
            }
            for (int j = 0; j < got.size(); j++) {
              answers[e.getValue().get(j)] = got.get(j);
            }
          }
          return List.of(answers);
        });
  }

  private void finish(Lease lease, long amount, long charged) {
    if (lease.finish(amount, charged)) {
      closeLater(lease, "retired");
    }
  }

  private void retire(Lease lease, String why) {
    if (lease.retire()) {
      closeLater(lease, why);
    }
  }

  private void closeLater(Lease lease, String why) {
    try {
      closer.execute(() -> close(lease, why));
    } catch (RuntimeException stopping) {
      close(lease, why);
    }
  }

  private void close(Lease lease, String why) {
    try {
      data.inTenant(lease.tenant, c -> LeaseSql.close(c, lease.id, holder, "lease " + why));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "BILL-0107 could not close lease "
              + lease.id
              + " of tenant "
              + lease.tenant
              + "; the reaper closes it once it expires",
          e);
    }
  }

  private static long saturated(long amount, int times) {
    return amount > Long.MAX_VALUE / times ? Long.MAX_VALUE : amount * times;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /** A tenant's current lease here, and when to ask for one again after a refusal. */
  private static final class Slot {
    volatile Lease current;
    volatile long retryAt = System.nanoTime();

    /** Takes {@code lease} out of use if it is still the current one. */
    synchronized boolean clear(Lease lease) {
      if (current != lease) {
        return false;
      }
      current = null;
      return true;
    }
  }

  /**
   * One lease as this instance sees it: what it has left for new calls (granted, less what was
   * charged, less the worst cases of the calls in flight), and until when it stands.
   */
  private static final class Lease {
    final TenantId tenant;
    final UUID id;
    private long left;
    private int inFlight;
    private boolean retired;
    private boolean closing;
    private Instant expiresAt;
    volatile long lastUsed = System.nanoTime();

    Lease(TenantId tenant, UUID id, long granted, Instant expiresAt) {
      this.tenant = tenant;
      this.id = id;
      this.left = granted;
      this.expiresAt = expiresAt;
    }

    synchronized boolean admit(long amount, Instant callExpires) {
      if (retired || left < amount || callExpires.isAfter(expiresAt)) {
        return false;
      }
      left -= amount;
      inFlight++;
      lastUsed = System.nanoTime();
      return true;
    }

    /** A call ended: its worst case back, less what it was charged; true: close the lease now. */
    synchronized boolean finish(long amount, long charged) {
      left += amount - charged;
      inFlight--;
      return closeNow();
    }

    /** No new calls from now on; true: close the lease now (nothing in flight). */
    synchronized boolean retire() {
      retired = true;
      return closeNow();
    }

    synchronized void extend(Instant to) {
      if (to.isAfter(expiresAt)) {
        expiresAt = to;
      }
    }

    synchronized long left() {
      return Math.max(0, left);
    }

    private boolean closeNow() {
      if (retired && inFlight == 0 && !closing) {
        closing = true;
        return true;
      }
      return false;
    }
  }

  private record Admitted(Lease lease, long amount, HoldRequest request) {}

  private record Pending(Lease lease, Instant expires, LeaseSql.Charge charge) {}
}
