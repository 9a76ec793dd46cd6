package dev.tessera.governance.internal.safety;

import dev.tessera.governance.api.safety.SafetyPolicy;
import dev.tessera.governance.api.safety.SafetyScreen;
import dev.tessera.governance.api.safety.TextSource;
import dev.tessera.tenancy.api.TenantId;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

/**
 * What the default safety policy adds to one chat call, measured in-process without JMH (run by
 * bench/safety.sh, not by the test suite): open a screen, pass a system and a user message through
 * it (PII recognizers and the injection detector), admit, and restore and check the answer. Prints
 * p50/p90/p99 in microseconds per request for a request without PII and one with.
 */
public final class SafetyPathBench {
  static final String SYSTEM =
      "You are the support assistant of Acme Outdoor. Refunds are accepted within 30 days of"
          + " purchase with the receipt. Shipping to Norway takes five business days; to Germany"
          + " three. Answer briefly and politely, cite the policy when you can, and never invent"
          + " order numbers or prices. If the question is not about orders, say you cannot help.";
  static final String USER_CLEAN =
      "Hi, I bought a tent last week and one of the poles arrived broken. Can I still return the"
          + " whole thing, or should I ask for a replacement pole? How long would shipping take?";
  static final String USER_PII =
      "Hi, I'm Ann (ann.smith@example.com, +1 415-555-2671). Order paid with card 4111 1111 1111"
          + " 1111 arrived broken; can you refund to IBAN DE89 3704 0044 0532 0130 00 instead?";
  static final String ANSWER =
      "Yes: refunds are accepted within 30 days of purchase with the receipt, so you can return"
          + " the tent. A replacement pole ships in three business days. We will write to"
          + " <EMAIL_1> once the return is registered.";

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    CompiledPolicy policy = new CompiledPolicy(SafetyPolicy.DEFAULT);
    TenantId tenant = new TenantId(UUID.randomUUID());
    for (String[] c : new String[][] {{"no PII", USER_CLEAN}, {"4 PII values", USER_PII}}) {
      run(policy, tenant, c[1], iterations / 4); // warm-up
      long[][] both = run(policy, tenant, c[1], iterations);
      for (int k = 0; k < 2; k++) {
        long[] ns = both[k];
        Arrays.sort(ns);
        System.out.printf(
            Locale.ROOT,
            "SAFETY-BENCH default policy, %s, %s: p50 %.1f us  p90 %.1f us  p99 %.1f us (%d"
                + " requests)%n",
            c[0],
            k == 0 ? "wall time" : "thread CPU time",
            ns[ns.length / 2] / 1000.0,
            ns[ns.length * 9 / 10] / 1000.0,
            ns[ns.length * 99 / 100] / 1000.0,
            ns.length);
      }
    }
  }

  /**
   * Wall and thread-CPU nanoseconds per request (CPU time is what a busy machine distorts least).
   */
  static long[][] run(CompiledPolicy policy, TenantId tenant, String user, int n) {
    java.lang.management.ThreadMXBean cpu =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long[] out = new long[n];
    long[] cpuOut = new long[n];
    long sink = 0;
    for (int i = 0; i < n; i++) {
      long c0 = cpu.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      SafetyScreen s = new RequestScreen(policy, tenant, "req_bench", v -> {});
      String a = s.outbound(SYSTEM, TextSource.SYSTEM);
      String b = s.outbound(user, TextSource.USER);
      s.admit();
      String answer = s.answer(ANSWER);
      s.finish();
      out[i] = System.nanoTime() - t0;
      cpuOut[i] = cpu.getCurrentThreadCpuTime() - c0;
      sink += a.length() + b.length() + answer.length();
    }
    if (sink == 42) {
      System.out.println();
    }
    return new long[][] {out, cpuOut};
  }
}
