package dev.tessera.routing.internal.local;

import static dev.tessera.routing.internal.local.LocalFixture.ENDPOINT;
import static dev.tessera.routing.internal.local.LocalFixture.ask;
import static dev.tessera.routing.internal.local.LocalFixture.await;
import static dev.tessera.routing.internal.local.LocalFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.spi.ChatStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LocalStreamTest {
  private final LocalAdapter adapter = new LocalAdapter();

  @Test
  void chunks_concatenate_to_the_non_streamed_answer_in_openai_order() {
    ChatRequest request = ask("How are refunds handled?").stream(true, true).build();
    var whole = await(adapter.chat(ENDPOINT, request, seconds(5)));
    StreamRecorder recorder = new StreamRecorder();

    ChatStream stream = adapter.chatStream(ENDPOINT, request, seconds(5), recorder);

    assertThat(recorder.awaitEnd()).isNull();
    await(stream.done());
    List<ChatChunk> chunks = recorder.chunks;
    assertThat(recorder.text()).isEqualTo(whole.message().text());
    assertThat(chunks.size()).isGreaterThan(4);
    assertThat(chunks.get(0).choices().get(0).role()).isEqualTo(MessageRole.ASSISTANT);
    ChatChunk last = chunks.get(chunks.size() - 1);
    ChatChunk finish = chunks.get(chunks.size() - 2);
    assertThat(finish.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(chunks.subList(0, chunks.size() - 2))
        .allSatisfy(c -> assertThat(c.choices().get(0).finishReason()).isNull());
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isEqualTo(whole.usage());
    assertThat(chunks).extracting(ChatChunk::id).containsOnly(chunks.get(0).id());
    assertThat(recorder.threads).doesNotContain(Thread.currentThread());
  }

  @Test
  void no_usage_chunk_unless_asked_and_length_finish_when_cut() {
    ChatRequest request = ask("How are refunds handled?").maxTokens(5).stream(true, false).build();
    StreamRecorder recorder = new StreamRecorder();

    adapter.chatStream(ENDPOINT, request, seconds(5), recorder);

    assertThat(recorder.awaitEnd()).isNull();
    ChatChunk last = recorder.chunks.get(recorder.chunks.size() - 1);
    assertThat(last.choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(recorder.chunks).allSatisfy(c -> assertThat(c.usage()).isNull());
  }

  @Test
  void cancel_stops_delivery() throws InterruptedException {
    AtomicReference<ChatStream> handle = new AtomicReference<>();
    CountDownLatch handleSet = new CountDownLatch(1);
    StreamRecorder recorder =
        new StreamRecorder(
            c -> {
              String content = c.choices().get(0).content();
              if (content != null && !content.isEmpty()) {
                awaitLatch(handleSet);
                handle.get().cancel();
              }
            });

    ChatStream stream =
        adapter.chatStream(
            ENDPOINT,
            ask("How are refunds handled?").stream(true, true).build(),
            seconds(5),
            recorder);
    handle.set(stream);
    handleSet.countDown();

    assertThat(stream.done()).failsWithin(Duration.ofSeconds(5));
    Thread.sleep(100); // time for any chunk that would wrongly follow
    assertThat(stream.done()).isCancelled();
    assertThat(recorder.chunks).hasSize(2); // the role, then the delta that cancelled
    assertThat(recorder.end).isNotDone();
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void a_passed_deadline_ends_the_stream_with_timeout() {
    StreamRecorder recorder = new StreamRecorder();

    adapter.chatStream(
        ENDPOINT, ask("How long?").build(), new Deadline(System.nanoTime() - 1), recorder);

    ProviderException failure = recorder.awaitEnd();
    assertThat(failure.kind()).isEqualTo(ProviderException.Kind.TIMEOUT);
    assertThat(failure.partialOutput()).isFalse();
    assertThat(recorder.chunks).isEmpty();
  }
}
