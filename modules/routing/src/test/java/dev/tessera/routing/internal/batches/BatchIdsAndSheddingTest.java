package dev.tessera.routing.internal.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tenancy.api.NotFoundException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BatchIdsAndSheddingTest {
  @Test
  void ids_round_trip_and_malformed_ones_are_unknown() {
    UUID id = UUID.randomUUID();
    String external = BatchIds.external(id);
    assertThat(external).startsWith("batch_").hasSize(38);
    assertThat(BatchIds.parse(external)).isEqualTo(id);
    for (String bad : new String[] {null, "", "batch_", "batch_" + "g".repeat(32), id.toString()}) {
      assertThatThrownBy(() -> BatchIds.parse(bad)).isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void batch_work_gives_way_to_interactive_load_and_to_a_full_batch_lane() {
    assertThat(Shedding.shed(0.5, 0.0, 0.8)).isFalse();
    assertThat(Shedding.shed(0.8, 0.0, 0.8)).isTrue();
    assertThat(Shedding.shed(0.0, 1.0, 0.8)).isTrue();
    assertThat(Shedding.shed(0.79, 0.99, 0.8)).isFalse();
  }
}
