package dev.tessera.tenancy.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void an_id_is_req_and_the_32_hex_digits_of_a_version_7_uuid() {
    String id = RequestIds.next();
    assertThat(id).matches("req_[0-9a-f]{32}");
    String hex = id.substring(4);
    UUID uuid =
        UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.variant()).isEqualTo(2);
  }

  @Test
  void the_first_48_bits_are_the_millisecond_so_later_ids_sort_after_earlier_ones() {
    long t = 1_796_667_022_539L;
    SplittableRandom random = new SplittableRandom(7);
    String earlier = RequestIds.next(t, random);
    String later = RequestIds.next(t + 1, random);
    assertThat(earlier.substring(4, 16)).isEqualTo(String.format("%012x", t));
    // whatever the random bits, the next millisecond sorts after (byte order, as the index does)
    for (int i = 0; i < 1000; i++) {
      assertThat(RequestIds.next(t + 1, random)).isGreaterThan(RequestIds.next(t, random));
    }
    assertThat(later.compareTo(earlier)).isPositive();
  }

  @Test
  void ids_of_one_millisecond_differ() {
    Set<String> seen = new HashSet<>();
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(RequestIds.next(1_000L, random))).isTrue();
    }
  }
}
