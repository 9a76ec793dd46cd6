package dev.tessera.web.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkQueueTest {
  /** The response's stream as the relay sees it: what was written, and how often it was pushed. */
  private static final class Response extends ByteArrayOutputStream {
    int flushes;

    @Override
    public void flush() {
      flushes++;
    }

    String text() {
      return toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void a_chunk_with_nothing_queued_behind_it_leaves_at_once() throws IOException {
    ChunkQueue queue = new ChunkQueue();
    Response out = new Response();

    queue.relay(out, "{\"n\":2}", false);

    assertThat(out.flushes).isEqualTo(1);
    assertThat(out.text()).isEqualTo("data: {\"n\":2}\n\n");
  }

  @Test
  void a_burst_leaves_in_one_write_after_the_first_chunk_which_never_waits() throws IOException {
    ChunkQueue queue = new ChunkQueue();
    Response out = new Response();
    queue.onComplete(); // the stream's end already arrived behind the chunks being written

    queue.relay(out, "{\"n\":1}", true);
    assertThat(out.flushes).as("the first chunk: time to first token").isEqualTo(1);
    queue.relay(out, "{\"n\":2}", false);
    queue.relay(out, "{\"n\":3}", false);
    assertThat(out.flushes).as("more is queued: written, not pushed yet").isEqualTo(1);
    ChunkQueue.send(out, null, "[DONE]");

    assertThat(out.flushes).isEqualTo(2);
    assertThat(out.text())
        .isEqualTo("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: {\"n\":3}\n\ndata: [DONE]\n\n");
  }
}
