package dev.tessera.tenancy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorsTest {
  @Test
  void a_cursor_round_trips_to_the_microsecond() {
    Instant at = Instant.parse("2026-11-24T08:00:00.123456Z");
    UUID id = UUID.randomUUID();
    Cursors.Position p = Cursors.decode(Cursors.encode(at, id));
    assertThat(p.createdAt()).isEqualTo(at);
    assertThat(p.id()).isEqualTo(id);
  }

  @Test
  void a_forged_cursor_is_a_400() {
    assertThatThrownBy(() -> Cursors.decode("bm90LWEtY3Vyc29y"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Cursors.decode("%%%")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void page_sizes_are_clamped_and_checked() {
    assertThat(PageRequest.of(null, null).size()).isEqualTo(PageRequest.DEFAULT_SIZE);
    assertThat(PageRequest.of(null, 10_000).size()).isEqualTo(PageRequest.MAX_SIZE);
    assertThatThrownBy(() -> PageRequest.of(null, 0)).isInstanceOf(InvalidInputException.class);
  }
}
