package dev.tessera.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditChainTest {
  private static final UUID TENANT = UUID.randomUUID();

  /** A chain of n entries hashed as the database function does. */
  static List<AuditChain.Row> chain(int n) {
    List<AuditChain.Row> rows = new ArrayList<>();
    byte[] prev = AuditChain.GENESIS;
    for (int i = 1; i <= n; i++) {
      AuditChain.Row draft =
          new AuditChain.Row(
              TENANT,
              i,
              UUID.randomUUID(),
              Instant.parse("2026-12-04T10:00:00.123456Z").plusSeconds(i),
              "operator",
              "127.0.0.1",
              "api-keys.create",
              "api-keys",
              "k" + i,
              null,
              "{\"name\": \"é" + i + "\"}",
              null,
              prev,
              null,
              null);
      MessageDigest sha = AuditChain.sha256();
      byte[] content = sha.digest(AuditChain.canonical(draft).getBytes(StandardCharsets.UTF_8));
      sha.update(prev);
      byte[] link = sha.digest(content);
      rows.add(
          new AuditChain.Row(
              draft.tenant(),
              draft.seq(),
              draft.id(),
              draft.createdAt(),
              draft.actor(),
              draft.address(),
              draft.action(),
              draft.targetType(),
              draft.targetId(),
              draft.before(),
              draft.after(),
              draft.reference(),
              prev,
              content,
              link));
      prev = link;
    }
    return rows;
  }

  private static AuditChain.Break walk(
      List<AuditChain.Row> rows, Map<Long, byte[]> checkpoints, long newest) {
    AuditChain c = new AuditChain(checkpoints);
    rows.forEach(c::accept);
    return c.finish(newest);
  }

  @Test
  void canonical_content_prefixes_every_field_with_its_length_in_bytes() {
    AuditChain.Row r = chain(1).get(0);
    assertThat(AuditChain.canonical(r))
        .startsWith("36:" + TENANT + "|1:1|36:")
        .contains("|8:operator|9:127.0.0.1|")
        .contains("|15:{\"name\": \"é1\"}|-")
        .contains("|16:" + AuditChain.micros(r.createdAt()) + "|");
  }

  @Test
  void an_intact_chain_passes() {
    assertThat(walk(chain(5), Map.of(), 0)).isNull();
  }

  @Test
  void an_edited_entry_is_the_first_broken_one() {
    List<AuditChain.Row> rows = chain(5);
    AuditChain.Row r = rows.get(2);
    rows.set(
        2,
        new AuditChain.Row(
            r.tenant(),
            r.seq(),
            r.id(),
            r.createdAt(),
            "someone else",
            r.address(),
            r.action(),
            r.targetType(),
            r.targetId(),
            r.before(),
            r.after(),
            r.reference(),
            r.prevHash(),
            r.contentHash(),
            r.entryHash()));
    assertThat(walk(rows, Map.of(), 0).seq()).isEqualTo(3);
  }

  @Test
  void a_missing_entry_is_named() {
    List<AuditChain.Row> rows = chain(5);
    rows.remove(1);
    AuditChain.Break b = walk(rows, Map.of(), 0);
    assertThat(b.seq()).isEqualTo(2);
    assertThat(b.problem()).contains("missing");
  }

  @Test
  void a_cut_tail_is_caught_only_by_a_checkpoint() {
    List<AuditChain.Row> rows = chain(5);
    Map<Long, byte[]> vouched = Map.of(5L, rows.get(4).entryHash());
    List<AuditChain.Row> cut = rows.subList(0, 3);
    assertThat(walk(cut, Map.of(), 0)).isNull();
    assertThat(walk(cut, vouched, 5).seq()).isEqualTo(4);
  }
}
