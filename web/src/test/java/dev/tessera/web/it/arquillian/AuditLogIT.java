package dev.tessera.web.it.arquillian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit log in the container: admin actions land in it with secrets redacted, it verifies,
 * exports, stays invisible to other tenants, cannot be written by the application role, and catches
 * a superuser editing, deleting, reordering or truncating it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.pg.port", matches = "\\d+")
class AuditLogIT {
  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.tessera();
  }

  @ArquillianResource URL deployed;

  private Http operator;

  @BeforeEach
  void connect() {
    operator = new Http(Http.loopback(deployed), Deployments.OPERATOR_TOKEN);
  }

  /** A tenant with {@code keys} admin actions (key creations) in its audit log. */
  private String tenantWithEntries(int keys) {
    String tenant = Deployments.newTenant(operator);
    for (int i = 0; i < keys; i++) {
      Deployments.newKey(operator, tenant, "read");
    }
    return tenant;
  }

  private JsonObject verify(String tenant) {
    Http.Reply r = operator.post("/api/v1/tenants/" + tenant + "/audit/verify", null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void admin_actions_are_recorded_with_actor_and_address_and_no_secrets() {
    String tenant = Deployments.newTenant(operator);
    String admin = Deployments.newKey(operator, tenant, "admin");
    Deployments.newKey(operator.as(admin), tenant, "inference");
    Http.Reply r = operator.get("/api/v1/tenants/" + tenant + "/audit");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonArray data = r.json().getJsonArray("data");
    // the tenant's creation, the admin key (by the operator), the inference key (by the admin key)
    assertThat(data).hasSize(3);
    JsonObject created = data.getJsonObject(0);
    assertThat(created.getString("action")).isEqualTo("tenant.create");
    JsonObject byKey = data.getJsonObject(2);
    assertThat(byKey.getString("action")).isEqualTo("api-keys.create");
    assertThat(byKey.getString("actor")).startsWith("key:");
    assertThat(byKey.getString("address")).isEqualTo("127.0.0.1");
    assertThat(byKey.getJsonNumber("seq").longValue()).isEqualTo(3);
    assertThat(byKey.getString("after")).contains("[redacted]").doesNotContain("tsk_");
    assertThat(data.getJsonObject(1).getString("actor")).isEqualTo("operator");
    assertThat(r.body()).doesNotContain(admin);
  }

  @Test
  void an_untouched_chain_verifies_and_exports_as_json_lines_and_csv() {
    String tenant = tenantWithEntries(4);
    JsonObject v = verify(tenant);
    assertThat(v.getBoolean("intact")).isTrue();
    assertThat(v.getJsonNumber("entriesChecked").longValue()).isEqualTo(5);

    Http.Reply jsonl = operator.get("/api/v1/tenants/" + tenant + "/audit/export");
    assertThat(jsonl.status()).isEqualTo(200);
    assertThat(jsonl.header("content-type")).startsWith("application/x-ndjson");
    assertThat(jsonl.body().lines()).hasSize(5).allMatch(l -> l.startsWith("{\"seq\":"));

    Http.Reply csv = operator.get("/api/v1/tenants/" + tenant + "/audit/export?format=csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.body().lines().findFirst().orElse("")).startsWith("seq,id,created_at,actor");
    assertThat(csv.body().lines()).hasSize(6);

    Http.Reply filtered =
        operator.get(
            "/api/v1/tenants/" + tenant + "/audit/export?actor=operator&action=api-keys.create");
    assertThat(filtered.body().lines()).hasSize(4);
    Http.Reply none =
        operator.get("/api/v1/tenants/" + tenant + "/audit/export?from=2000-01-01&to=2000-01-02");
    assertThat(none.body()).isEmpty();

    Http.Reply page = operator.get("/api/v1/tenants/" + tenant + "/audit?limit=2");
    assertThat(page.json().getJsonArray("data")).hasSize(2);
    String cursor = page.json().getString("nextCursor");
    Http.Reply next = operator.get("/api/v1/tenants/" + tenant + "/audit?limit=2&cursor=" + cursor);
    assertThat(next.json().getJsonArray("data").getJsonObject(0).getJsonNumber("seq").longValue())
        .isEqualTo(3);

    Http.Reply bad = operator.get("/api/v1/tenants/" + tenant + "/audit/export?format=xml");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.header("content-type")).startsWith("application/problem+json");
    assertThat(bad.body()).contains("format");
  }

  @Test
  void another_tenant_gets_404_and_a_read_key_cannot_sign() {
    String tenant = tenantWithEntries(1);
    String other = Deployments.newTenant(operator);
    String otherAdmin = Deployments.newKey(operator, other, "admin");
    Http stranger = operator.as(otherAdmin);
    assertThat(stranger.get("/api/v1/tenants/" + tenant + "/audit").status()).isEqualTo(404);
    assertThat(stranger.post("/api/v1/tenants/" + tenant + "/audit/verify", null).status())
        .isEqualTo(404);
    assertThat(stranger.get("/api/v1/tenants/" + tenant + "/audit/export").status()).isEqualTo(404);
    String reader = Deployments.newKey(operator, tenant, "read");
    assertThat(
            operator.as(reader).post("/api/v1/tenants/" + tenant + "/audit/verify", null).status())
        .isEqualTo(200);
    assertThat(
            operator
                .as(reader)
                .post("/api/v1/tenants/" + tenant + "/audit/checkpoints", null)
                .status())
        .isEqualTo(403);
  }

  @Test
  void the_application_role_cannot_write_the_log_directly() throws Exception {
    String tenant = tenantWithEntries(1);
    try (Connection app =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + System.getProperty("arquillian.pg.port") + "/tessera",
            "tessera_app",
            "arquillian-app-password")) {
      app.setAutoCommit(false);
      try (Statement s = app.createStatement()) {
        s.execute("SELECT tessera_meta.enter_tenant('" + tenant + "')");
        for (String sql :
            new String[] {
              "UPDATE public.audit_log SET actor = 'someone else'",
              "DELETE FROM public.audit_log",
              "INSERT INTO public.audit_log SELECT * FROM public.audit_log",
              "DELETE FROM public.audit_checkpoints",
              "TRUNCATE public.audit_log"
            }) {
          assertThatThrownBy(() -> s.execute(sql))
              .as(sql)
              .isInstanceOf(SQLException.class)
              .hasMessageContaining("permission denied");
          app.rollback();
          s.execute("SELECT tessera_meta.enter_tenant('" + tenant + "')");
        }
      }
    }
    assertThat(verify(tenant).getBoolean("intact")).isTrue();
  }

  @Test
  void an_edited_entry_is_named() throws Exception {
    String tenant = tenantWithEntries(5);
    asSuperuser(
        "UPDATE public.audit_log SET after_state = '{\"name\":\"forged\"}' WHERE tenant_id = '"
            + tenant
            + "' AND seq = 4");
    JsonObject v = verify(tenant);
    assertThat(v.getBoolean("intact")).isFalse();
    assertThat(v.getJsonNumber("firstBrokenSeq").longValue()).isEqualTo(4);
    assertThat(v.getString("problem")).contains("content of entry 4");
  }

  @Test
  void an_edit_that_recomputes_the_entry_hash_still_breaks_the_next_link() throws Exception {
    String tenant = tenantWithEntries(5);
    // a careful forger fixes entry 3's own hashes; entry 4 still points at the old one
    asSuperuser(
        "UPDATE public.audit_log SET actor = 'key:forged',"
            + " content_hash = sha256(convert_to(tessera_meta.audit_canonical(tenant_id, seq, id,"
            + " created_at, 'key:forged', address, action, target_type, target_id, before_state,"
            + " after_state, reference), 'UTF8'))"
            + " WHERE tenant_id = '"
            + tenant
            + "' AND seq = 3");
    asSuperuser(
        "UPDATE public.audit_log SET entry_hash = sha256(prev_hash || content_hash)"
            + " WHERE tenant_id = '"
            + tenant
            + "' AND seq = 3");
    JsonObject v = verify(tenant);
    assertThat(v.getJsonNumber("firstBrokenSeq").longValue()).isEqualTo(4);
    assertThat(v.getString("problem")).contains("does not follow entry 3");
  }

  @Test
  void a_deleted_entry_is_named() throws Exception {
    String tenant = tenantWithEntries(5);
    asSuperuser("DELETE FROM public.audit_log WHERE tenant_id = '" + tenant + "' AND seq = 2");
    JsonObject v = verify(tenant);
    assertThat(v.getBoolean("intact")).isFalse();
    assertThat(v.getJsonNumber("firstBrokenSeq").longValue()).isEqualTo(2);
    assertThat(v.getString("problem")).contains("entry 2 is missing");
  }

  @Test
  void reordered_entries_are_caught_at_the_first_moved_one() throws Exception {
    String tenant = tenantWithEntries(5);
    String t = "tenant_id = '" + tenant + "'";
    asSuperuser("UPDATE public.audit_log SET seq = 1000000 WHERE " + t + " AND seq = 2");
    asSuperuser("UPDATE public.audit_log SET seq = 2 WHERE " + t + " AND seq = 5");
    asSuperuser("UPDATE public.audit_log SET seq = 5 WHERE " + t + " AND seq = 1000000");
    JsonObject v = verify(tenant);
    assertThat(v.getBoolean("intact")).isFalse();
    assertThat(v.getJsonNumber("firstBrokenSeq").longValue()).isEqualTo(2);
  }

  @Test
  void a_truncated_tail_is_caught_by_the_signed_checkpoint() throws Exception {
    String tenant = tenantWithEntries(5);
    Http.Reply cp = operator.post("/api/v1/tenants/" + tenant + "/audit/checkpoints", null);
    assertThat(cp.status()).as(cp.toString()).isEqualTo(201);
    assertThat(cp.json().getJsonNumber("seq").longValue()).isEqualTo(6);
    // without the checkpoint a cut tail would look like a shorter, intact chain
    asSuperuser("DELETE FROM public.audit_log WHERE tenant_id = '" + tenant + "' AND seq >= 5");
    JsonObject v = verify(tenant);
    assertThat(v.getBoolean("intact")).isFalse();
    assertThat(v.getJsonNumber("firstBrokenSeq").longValue()).isEqualTo(5);
    assertThat(v.getString("problem")).contains("removed from the end");
  }

  @Test
  void a_forged_checkpoint_is_not_trusted() throws Exception {
    String tenant = tenantWithEntries(2);
    asSuperuser(
        "INSERT INTO public.audit_checkpoints (tenant_id, seq, entry_hash, key_id, mac)"
            + " VALUES ('"
            + tenant
            + "', 9, '\\x00', 'audit-1', '\\x00')");
    JsonObject v = verify(tenant);
    assertThat(v.getBoolean("intact")).isFalse();
    assertThat(v.getString("problem")).contains("not signed by this platform");
  }

  /** As the database superuser, with triggers off: someone with full control of the server. */
  private static void asSuperuser(String sql) throws SQLException {
    try (Connection su = Deployments.superuser();
        Statement s = su.createStatement()) {
      s.execute("SET session_replication_role = replica");
      s.execute(sql);
    }
  }
}
