package dev.tessera.tenancy.api;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The platform's request ids: {@code req_} and 32 hex digits, laid out as a UUID of version 7 (RFC
 * 9562): 48 bits of Unix time in milliseconds, then 74 random bits. Time first, because a request
 * id is a key the ledger writes with every charge (its request index, its idempotency): random ids
 * scatter those inserts over the whole index, time-ordered ids append at its right edge (V55).
 *
 * <p>Ids are unique, not secret: they are shown to the caller and in logs, and grant nothing. Two
 * ids of the same millisecond collide with probability 2^-74, so the random bits come from {@link
 * ThreadLocalRandom} rather than a {@code SecureRandom}, which {@code UUID.randomUUID()} shares
 * between all threads and which cost a visible part of the priced path's CPU.
 */
public final class RequestIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /** A new request id, {@code req_} and 32 lower-case hex digits. */
  public static String next() {
    return next(System.currentTimeMillis(), ThreadLocalRandom.current());
  }

  static String next(long epochMillis, java.util.random.RandomGenerator random) {
    long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
    long low = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    char[] out = new char[36];
    out[0] = 'r';
    out[1] = 'e';
    out[2] = 'q';
    out[3] = '_';
    for (int i = 0; i < 16; i++) {
      out[4 + i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
      out[20 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
    }
    return new String(out);
  }
}
