package dev.tessera.billing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.billing.api.CacheUse;
import dev.tessera.billing.api.Price;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.billing.api.TokenCounts;
import dev.tessera.tenancy.api.Tier;
import org.junit.jupiter.api.Test;

class DefaultPricingTest {
  static final Price MINI = new Price(150_000, 600_000, 75_000); // gpt-4o-mini, per 1M tokens
  static final Price BIG = new Price(2_500_000, 10_000_000, 1_250_000);

  final DefaultPricing plain = new DefaultPricing(0, 0, 0, 0);

  static ServedUsage served(Price served, Price requested, TokenCounts t, CacheUse cache) {
    return new ServedUsage("m", served, requested, t, cache);
  }

  @Test
  void list_price_per_million_rounded_up_to_a_whole_micro_credit_once_per_request() {
    // 1,000 in + 500 out of gpt-4o-mini: 150 + 300 = 450 micro-credits exactly
    assertThat(
            plain.cost(
                Tier.STANDARD, served(MINI, null, new TokenCounts(1000, 500, 0), CacheUse.MISS)))
        .isEqualTo(450);
    // one token in: 0.15 micro-credits, rounded up to 1, never to 0
    assertThat(
            plain.cost(Tier.STANDARD, served(MINI, null, new TokenCounts(1, 0, 0), CacheUse.MISS)))
        .isEqualTo(1);
  }

  @Test
  void cached_input_tokens_are_priced_at_the_cached_rate() {
    // 1,000 in of which 800 cached: 200 * 0.15 + 800 * 0.075 = 30 + 60
    assertThat(
            plain.cost(
                Tier.STANDARD, served(MINI, null, new TokenCounts(1000, 0, 800), CacheUse.MISS)))
        .isEqualTo(90);
  }

  @Test
  void a_cheaper_fallback_is_charged_its_own_price_and_a_dearer_one_the_requested_price() {
    TokenCounts t = new TokenCounts(1000, 1000, 0);
    long mini = plain.cost(Tier.STANDARD, served(MINI, null, t, CacheUse.MISS));
    long big = plain.cost(Tier.STANDARD, served(BIG, null, t, CacheUse.MISS));
    assertThat(plain.cost(Tier.STANDARD, served(MINI, BIG, t, CacheUse.MISS))).isEqualTo(mini);
    assertThat(plain.cost(Tier.STANDARD, served(BIG, MINI, t, CacheUse.MISS))).isEqualTo(mini);
    assertThat(big).isGreaterThan(mini);
  }

  @Test
  void the_tiers_markup_applies_and_cache_hits_follow_the_cache_policy() {
    DefaultPricing marked = new DefaultPricing(20, 10, 0, 50);
    TokenCounts t = new TokenCounts(1000, 500, 0);
    assertThat(marked.cost(Tier.STANDARD, served(MINI, null, t, CacheUse.MISS))).isEqualTo(540);
    assertThat(marked.cost(Tier.PROFESSIONAL, served(MINI, null, t, CacheUse.MISS))).isEqualTo(495);
    assertThat(marked.cost(Tier.ENTERPRISE, served(MINI, null, t, CacheUse.MISS))).isEqualTo(450);
    assertThat(marked.cost(Tier.ENTERPRISE, served(MINI, null, t, CacheUse.HIT))).isEqualTo(225);
    // the default policy: a cache hit is free
    assertThat(plain.cost(Tier.STANDARD, served(MINI, null, t, CacheUse.SEMANTIC))).isZero();
  }

  @Test
  void the_worst_case_prices_all_input_uncached_plus_the_whole_output_cap() {
    assertThat(plain.worstCase(Tier.STANDARD, MINI, 1000, 500)).isEqualTo(450);
    assertThat(plain.worstCase(Tier.STANDARD, Price.FREE, 1_000_000, 1_000_000)).isZero();
    // huge counts do not overflow
    assertThat(plain.worstCase(Tier.STANDARD, BIG, Integer.MAX_VALUE, Integer.MAX_VALUE))
        .isPositive();
  }
}
