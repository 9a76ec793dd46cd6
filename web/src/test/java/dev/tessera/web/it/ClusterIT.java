package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.web.it.Api.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Payara Micro instances clustered on loopback (TCP/IP members, never multicast) share one set
 * of limits: the admitted count across both never exceeds the tenant's limit, and a revocation on
 * one is refused by the other within a second.
 */
class ClusterIT {
  static Platform platform;
  static Api operator;
  static Node b;

  @BeforeAll
  static void start() throws Exception {
    platform = Platform.get();
    operator = platform.operator();
    b = platform.nodeB();
    awaitGridOfTwo();
  }

  @AfterAll
  static void stop() {
    platform.stopNodeB();
  }

  static void awaitGridOfTwo() throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      // B reports the grid it joined; A logs the member that arrived
      if (b.logText().contains("DG Size: 2")
          && platform.a.logText().contains("Data Grid Instance Added")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the two nodes did not form a grid:\n" + b.tail());
  }

  @Test
  void the_combined_admitted_count_never_exceeds_the_tenant_limit() throws Exception {
    int limit = 30;
    String tenant =
        operator.createTenant(
            "STANDARD",
            "{\"requestsPerMinute\":"
                + limit
                + ",\"keyRequestsPerMinute\":1000,\"maxConcurrentRequests\":100}");
    String key = operator.createKey(tenant, "admin")[1];
    Api onA = operator.as(key);
    Api onB = operator.as(key).on(b);
    ExecutorService pool = Executors.newFixedThreadPool(12);
    long started = System.nanoTime();
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      Api target = i % 2 == 0 ? onA : onB;
      Callable<Reply> call = () -> target.get("/api/v1/tenants/" + tenant);
      replies.add(pool.submit(call));
    }
    int admitted = 0;
    int limited = 0;
    for (Future<Reply> f : replies) {
      Reply r = f.get();
      if (r.status() == 200) {
        admitted++;
      } else {
        assertThat(r.status()).as(r.toString()).isEqualTo(429);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
        assertThat(r.header("x-ratelimit-limit-requests")).isEqualTo(Integer.toString(limit));
        assertThat(r.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(r.header("x-ratelimit-reset-requests")).isNotBlank();
        limited++;
      }
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    pool.shutdown();
    // a token bucket of `limit` per minute: the full burst, plus one more for every 60/limit
    // seconds the burst took (it refills continuously) -- and never a single request beyond that
    long refilled = elapsedMillis / (60_000 / limit);
    assertThat(admitted)
        .as("admitted across both instances in " + elapsedMillis + " ms")
        .isLessThanOrEqualTo(limit + (int) refilled)
        .isGreaterThanOrEqualTo(limit);
    assertThat(limited).isEqualTo(90 - admitted);
  }

  @Test
  void a_revoked_key_is_refused_on_every_instance_within_a_second() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    String[] key = operator.createKey(tenant, "admin");
    Api onB = operator.as(key[1]).on(b);
    assertThat(onB.get("/api/v1/tenants/" + tenant).status()).isEqualTo(200);
    assertThat(operator.delete("/api/v1/tenants/" + tenant + "/api-keys/" + key[0]).status())
        .isEqualTo(200);
    long revokedAt = System.nanoTime();
    Thread.sleep(1000);
    Reply after = onB.get("/api/v1/tenants/" + tenant);
    assertThat(after.status())
        .as("on node B, " + (System.nanoTime() - revokedAt) / 1_000_000 + " ms after revocation")
        .isEqualTo(401);
  }
}
