package dev.tessera.governance.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * Rebuilds, independently of the database, what {@code tessera_meta.audit_append} hashed: the
 * canonical content of an entry and the chain link, and walks a chain entry by entry. Kept in step
 * with {@code tessera_meta.audit_canonical} (V20 migration).
 */
final class AuditChain {
  static final byte[] GENESIS = new byte[32];
  private static final HexFormat HEX = HexFormat.of();

  /** An entry as stored, with the columns that are hashed. */
  record Row(
      UUID tenant,
      long seq,
      UUID id,
      Instant createdAt,
      String actor,
      String address,
      String action,
      String targetType,
      String targetId,
      String before,
      String after,
      String reference,
      byte[] prevHash,
      byte[] contentHash,
      byte[] entryHash) {}

  /** Where a walk found the first break: the entry's number and what is wrong with it. */
  record Break(long seq, String problem) {}

  private final Map<Long, byte[]> checkpoints;
  private final MessageDigest sha = sha256();
  private long expected = 1;
  private byte[] previous = GENESIS;
  private Break broken;

  /**
   * @param checkpoints hashes that signed checkpoints vouch for, by entry number
   */
  AuditChain(Map<Long, byte[]> checkpoints) {
    this.checkpoints = checkpoints;
  }

  /** Checks the next entry (in ascending order); false once the chain is broken. */
  boolean accept(Row r) {
    if (broken != null) {
      return false;
    }
    if (r.seq() != expected) {
      broken =
          r.seq() > expected
              ? new Break(
                  expected, "entry " + expected + " is missing (the next is " + r.seq() + ")")
              : new Break(r.seq(), "entry " + r.seq() + " is out of order");
      return false;
    }
    byte[] content = sha.digest(canonical(r).getBytes(StandardCharsets.UTF_8));
    if (!Arrays.equals(content, r.contentHash())) {
      broken = new Break(r.seq(), "the content of entry " + r.seq() + " was changed");
      return false;
    }
    if (!Arrays.equals(previous, r.prevHash())) {
      broken =
          new Break(
              r.seq(),
              "entry " + r.seq() + " does not follow entry " + (r.seq() - 1) + " any more");
      return false;
    }
    sha.update(previous);
    byte[] link = sha.digest(content);
    if (!Arrays.equals(link, r.entryHash())) {
      broken = new Break(r.seq(), "the hash of entry " + r.seq() + " was changed");
      return false;
    }
    byte[] vouched = checkpoints.get(r.seq());
    if (vouched != null && !Arrays.equals(vouched, r.entryHash())) {
      broken = new Break(r.seq(), "entry " + r.seq() + " differs from its signed checkpoint");
      return false;
    }
    previous = r.entryHash();
    expected++;
    return true;
  }

  /** After the last row: a signed checkpoint beyond the end means the tail was cut off. */
  Break finish(long newestCheckpoint) {
    if (broken == null && newestCheckpoint >= expected) {
      broken =
          new Break(
              expected,
              "the log ends at entry "
                  + (expected - 1)
                  + " but a signed checkpoint vouches for entry "
                  + newestCheckpoint
                  + ": entries were removed from the end");
    }
    return broken;
  }

  long checked() {
    return expected - 1;
  }

  static String canonical(Row r) {
    StringBuilder b = new StringBuilder(256);
    field(b, r.tenant().toString());
    field(b.append('|'), Long.toString(r.seq()));
    field(b.append('|'), r.id().toString());
    field(b.append('|'), Long.toString(micros(r.createdAt())));
    field(b.append('|'), r.actor());
    field(b.append('|'), r.address());
    field(b.append('|'), r.action());
    field(b.append('|'), r.targetType());
    field(b.append('|'), r.targetId());
    field(b.append('|'), r.before());
    field(b.append('|'), r.after());
    field(b.append('|'), r.reference());
    return b.toString();
  }

  private static void field(StringBuilder b, String v) {
    if (v == null) {
      b.append('-');
    } else {
      b.append(v.getBytes(StandardCharsets.UTF_8).length).append(':').append(v);
    }
  }

  static long micros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
  }

  static String hex(byte[] bytes) {
    return bytes == null ? null : HEX.formatHex(bytes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
