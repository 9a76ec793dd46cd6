package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.web.it.Api.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of interleaved requests of different tenants, over a pool of four connections (the test
 * configuration), reads and writes mixed: no request ever sees another tenant's rows.
 */
class PooledConnectionIT {
  @Test
  void interleaved_tenants_over_a_small_pool_never_see_each_other() throws Exception {
    Platform platform = Platform.get();
    Api operator = platform.operator();
    int tenants = 4;
    List<String> ids = new ArrayList<>();
    List<Api> admins = new ArrayList<>();
    String limits =
        "{\"requestsPerMinute\":5000,\"keyRequestsPerMinute\":5000,\"maxConcurrentRequests\":64}";
    for (int t = 0; t < tenants; t++) {
      String id = operator.createTenant(t == 3 ? "PROFESSIONAL" : "STANDARD", limits);
      ids.add(id);
      Api admin = operator.as(operator.createKey(id, "admin")[1]);
      admins.add(admin);
      for (int u = 0; u < 3; u++) {
        assertThat(admin.createUser(id, "u" + u + "@tenant" + t + ".example").status())
            .isEqualTo(201);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<Void>> done = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int t = i % tenants;
      int n = i;
      done.add(
          pool.submit(
              () -> {
                Api admin = admins.get(t);
                if (n % 5 == 0) {
                  Reply w = admin.createUser(ids.get(t), "w" + n + "@tenant" + t + ".example");
                  assertThat(w.status()).as(w.toString()).isEqualTo(201);
                } else {
                  Reply r = admin.get("/api/v1/tenants/" + ids.get(t) + "/users?limit=100");
                  assertThat(r.status()).as(r.toString()).isEqualTo(200);
                  r.json()
                      .getJsonArray("data")
                      .forEach(
                          u ->
                              assertThat(u.asJsonObject().getString("email"))
                                  .as("a user listed for tenant " + t)
                                  .endsWith("@tenant" + t + ".example"));
                }
                return null;
              }));
    }
    for (Future<Void> f : done) {
      f.get();
    }
    pool.shutdown();
    for (int t = 0; t < tenants; t++) {
      assertThat(admins.get(t).all("/api/v1/tenants/" + ids.get(t) + "/users"))
          .hasSize(3 + 400 / 5 / tenants);
    }
  }
}
