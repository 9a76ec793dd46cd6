package dev.tessera.web.portal;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Logger;
import javax.cache.CacheManager;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sign-in lockout and session revocation. After {@code tessera.portal.lockout.attempts} failed
 * sign-ins to one account within {@code tessera.portal.lockout.duration}, that account is refused
 * (without checking the password) until the duration has passed since the last failure. "Sign out
 * everywhere" records the moment; sessions of that person that began earlier are ended at their
 * next request, on every instance. Sessions also end {@code tessera.portal.session.max-age} after
 * sign-in, however active.
 */
@ApplicationScoped
public class SessionGuard {
  private static final Logger LOG = Logger.getLogger(SessionGuard.class.getName());

  @Inject Instance<CacheManager> cacheManagers;

  @Inject
  @ConfigProperty(name = "tessera.cluster.enabled", defaultValue = "false")
  boolean clustered;

  @Inject
  @ConfigProperty(name = "tessera.portal.lockout.attempts", defaultValue = "5")
  int attempts;

  @Inject
  @ConfigProperty(name = "tessera.portal.lockout.duration", defaultValue = "PT15M")
  Duration lockout;

  @Inject
  @ConfigProperty(name = "tessera.portal.session.max-age", defaultValue = "PT12H")
  Duration maxAge;

  private SharedCounters failures;
  private SharedCounters revocations;

  @PostConstruct
  void init() {
    failures = store("tessera-portal-failures", lockout);
    revocations = store("tessera-portal-revocations", maxAge);
  }

  private SharedCounters store(String name, Duration ttl) {
    if (clustered && cacheManagers.isResolvable()) {
      try {
        CacheManager manager = cacheManagers.get();
        if (manager != null) {
          return SharedCounters.clustered(manager, name, ttl);
        }
      } catch (RuntimeException e) {
        LOG.warning("WEB-0300 portal sign-in state kept per instance: " + e.getMessage());
      }
    }
    return SharedCounters.local(ttl);
  }

  static String account(String organization, String email) {
    return (organization == null ? "" : organization.strip().toLowerCase(Locale.ROOT))
        + "|"
        + (email == null ? "" : email.strip().toLowerCase(Locale.ROOT));
  }

  boolean isLocked(String account) {
    Long n = failures.get(account);
    return n != null && n >= attempts;
  }

  /** Counts a failure; true when this one locked the account. */
  boolean failed(String account) {
    long n = failures.increment(account);
    if (n >= attempts) {
      // the lock runs from the last failure, not the first
      failures.put(account, n);
      return n == attempts;
    }
    return false;
  }

  void succeeded(String account) {
    failures.remove(account);
  }

  Duration lockout() {
    return lockout;
  }

  /** Ends every session of this person begun before now. */
  void revokeAll(PortalUser user) {
    revocations.put(user.revocationKey(), System.currentTimeMillis());
  }

  /** True while the session may go on: not too old, not begun before a revocation. */
  boolean isCurrent(PortalUser user) {
    Instant now = Instant.now();
    if (user.signedInAt().plus(maxAge).isBefore(now)) {
      return false;
    }
    Long revokedAt = revocations.get(user.revocationKey());
    return revokedAt == null || user.signedInAt().toEpochMilli() > revokedAt;
  }
}
