package dev.tessera.billing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Records each batch; the first batch of key "slow" waits for the gate. */
  static final class RecordingWriter implements GroupCommit.Writer<String, Integer, String> {
    final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    volatile RuntimeException failNext;

    @Override
    public List<String> write(String key, List<Integer> batch) {
      batches.add(List.copyOf(batch));
      threads.add(Thread.currentThread().getName());
      if (key.equals("slow") && firstStarted.getCount() > 0) {
        firstStarted.countDown();
        await(gate);
      }
      RuntimeException f = failNext;
      if (f != null) {
        failNext = null;
        throw f;
      }
      List<String> out = new ArrayList<>();
      for (Integer op : batch) {
        out.add(key + ":" + op);
      }
      return out;
    }
  }

  static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void one_operation_alone_is_written_at_once_in_the_callers_thread() {
    RecordingWriter w = new RecordingWriter();
    GroupCommit<String, Integer, String> commits = new GroupCommit<>(w, 48);

    assertThat(commits.submit("a", 7)).isEqualTo("a:7");

    assertThat(w.batches).containsExactly(List.of(7));
    assertThat(w.threads).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void operations_arriving_while_a_batch_commits_go_together_in_the_next_one() throws Exception {
    RecordingWriter w = new RecordingWriter();
    GroupCommit<String, Integer, String> commits = new GroupCommit<>(w, 48);
    List<Future<String>> waiting = queueBehindSlowBatch(commits, w, 10);
    Future<String> first = waiting.remove(0);

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("slow:0");
    for (int i = 0; i < 10; i++) {
      assertThat(waiting.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("slow:" + (i + 1));
    }
    assertThat(w.batches).hasSize(2);
    assertThat(w.batches.get(0)).containsExactly(0);
    assertThat(w.batches.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  }

  @Test
  void a_batch_is_never_longer_than_the_limit() throws Exception {
    RecordingWriter w = new RecordingWriter();
    GroupCommit<String, Integer, String> commits = new GroupCommit<>(w, 4);
    List<Future<String>> waiting = queueBehindSlowBatch(commits, w, 10);
    Future<String> first = waiting.remove(0);
    first.get(10, TimeUnit.SECONDS);
    for (Future<String> f : waiting) {
      f.get(10, TimeUnit.SECONDS);
    }

    assertThat(w.batches).allSatisfy(b -> assertThat(b.size()).isLessThanOrEqualTo(4));
    assertThat(w.batches.stream().mapToInt(List::size).sum()).isEqualTo(11);
    assertThat(w.batches).hasSize(4); // 1, then 4 + 4 + 2
  }

  @Test
  void a_failed_batch_fails_each_of_its_operations_and_the_next_batch_is_written()
      throws Exception {
    RecordingWriter w = new RecordingWriter();
    GroupCommit<String, Integer, String> commits = new GroupCommit<>(w, 48);
    Future<String> first = pool.submit(() -> commits.submit("slow", 0));
    await(w.firstStarted);
    w.failNext = new IllegalStateException("database gone");
    Future<String> second = pool.submit(() -> commits.submit("slow", 1));
    Future<String> third = pool.submit(() -> commits.submit("slow", 2));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (queued(commits) < 2 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    w.gate.countDown();

    for (Future<String> f : List.of(first)) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(GroupCommit.BatchFailedException.class)
          .hasRootCauseMessage("database gone");
    }
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("slow:1");
    assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo("slow:2");
    assertThat(commits.submit("slow", 3)).isEqualTo("slow:3");
  }

  @Test
  void a_key_whose_batch_is_slow_does_not_hold_up_another_key() throws Exception {
    RecordingWriter w = new RecordingWriter();
    GroupCommit<String, Integer, String> commits = new GroupCommit<>(w, 48);
    Future<String> slow = pool.submit(() -> commits.submit("slow", 0));
    await(w.firstStarted);

    assertThat(pool.submit(() -> commits.submit("fast", 1)).get(10, TimeUnit.SECONDS))
        .isEqualTo("fast:1");
    assertThat(slow).isNotDone();
    w.gate.countDown();
    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow:0");
  }

  @Test
  void many_callers_on_few_keys_all_get_their_own_answer_and_none_is_left_waiting()
      throws Exception {
    // callers are woken one by one (their batch, or their turn to lead): a wake-up lost anywhere
    // leaves a caller parked for good, and this times out
    GroupCommit<String, Integer, String> commits =
        new GroupCommit<>(
            (key, batch) -> {
              Thread.onSpinWait();
              List<String> out = new ArrayList<>();
              for (Integer op : batch) {
                out.add(key + ":" + op);
              }
              return out;
            },
            8);
    int threads = 24;
    int each = 2_000;
    List<Future<Integer>> callers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      callers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < each; i++) {
                  int op = me * each + i;
                  String key = "k" + (op % 3);
                  assertThat(commits.submit(key, op)).isEqualTo(key + ":" + op);
                }
                return each;
              }));
    }
    int answered = 0;
    for (Future<Integer> f : callers) {
      answered += f.get(60, TimeUnit.SECONDS);
    }
    assertThat(answered).isEqualTo(threads * each);
    assertThat(commits.queued("k0") + commits.queued("k1") + commits.queued("k2")).isZero();
  }

  @Test
  void a_writer_answering_the_wrong_number_of_results_fails_the_batch() {
    GroupCommit<String, Integer, String> commits = new GroupCommit<>((k, b) -> List.of(), 48);

    assertThatThrownBy(() -> commits.submit("a", 1))
        .isInstanceOf(GroupCommit.BatchFailedException.class)
        .hasMessageContaining("BILL-0103");
  }

  /**
   * Op 0 starts a batch of "slow" that waits for the gate; ops 1..n queue behind it; then the gate
   * opens. Answers the futures of ops 0..n.
   */
  private List<Future<String>> queueBehindSlowBatch(
      GroupCommit<String, Integer, String> commits, RecordingWriter w, int n) throws Exception {
    List<Future<String>> all = new ArrayList<>();
    all.add(pool.submit(() -> commits.submit("slow", 0)));
    await(w.firstStarted);
    for (int i = 1; i <= n; i++) {
      int op = i;
      all.add(pool.submit(() -> commits.submit("slow", op)));
    }
    // all are queued behind the batch being written before it may finish
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (queued(commits) < n && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    w.gate.countDown();
    return all;
  }

  private static int queued(GroupCommit<String, Integer, String> commits) {
    return commits.queued("slow");
  }
}
