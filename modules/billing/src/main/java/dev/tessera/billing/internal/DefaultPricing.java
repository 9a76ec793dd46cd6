package dev.tessera.billing.internal;

import dev.tessera.billing.api.Price;
import dev.tessera.billing.api.Pricing;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.billing.api.TokenCounts;
import dev.tessera.tenancy.api.Tier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * List price per million tokens, plus a markup per tenant tier, rounded up to a whole micro-credit
 * once per request; cache hits charged a configured percentage of what the call would have cost.
 */
@ApplicationScoped
public class DefaultPricing implements Pricing {
  private static final BigInteger MILLION_PERCENT = BigInteger.valueOf(100_000_000L);

  @Inject
  @ConfigProperty(name = "tessera.billing.markup.standard", defaultValue = "0")
  int markupStandard;

  @Inject
  @ConfigProperty(name = "tessera.billing.markup.professional", defaultValue = "0")
  int markupProfessional;

  @Inject
  @ConfigProperty(name = "tessera.billing.markup.enterprise", defaultValue = "0")
  int markupEnterprise;

  /** Percent of the full price a cache hit costs: 0 (free) by default. */
  @Inject
  @ConfigProperty(name = "tessera.billing.cache-hit-percent", defaultValue = "0")
  int cacheHitPercent;

  DefaultPricing() {}

  DefaultPricing(int markupStandard, int markupProfessional, int markupEnterprise, int cacheHit) {
    this.markupStandard = markupStandard;
    this.markupProfessional = markupProfessional;
    this.markupEnterprise = markupEnterprise;
    this.cacheHitPercent = cacheHit;
  }

  @Override
  public long worstCase(Tier tier, Price price, long inputTokens, long maxOutputTokens) {
    return priced(tier, price, new TokenCounts(inputTokens, maxOutputTokens, 0), 100);
  }

  @Override
  public long cost(Tier tier, ServedUsage usage) {
    int percent = usage.cache().isHit() ? clampPercent(cacheHitPercent) : 100;
    long served = priced(tier, usage.servedPrice(), usage.tokens(), percent);
    if (usage.requestedPrice() == null) {
      return served;
    }
    // a cheaper fallback at its own price, a dearer one at the requested model's
    return Math.min(served, priced(tier, usage.requestedPrice(), usage.tokens(), percent));
  }

  private long priced(Tier tier, Price price, TokenCounts t, int percent) {
    if (price.isFree() || percent == 0) {
      return 0;
    }
    BigInteger listTimesMillion =
        BigInteger.valueOf(t.input() - t.cached())
            .multiply(BigInteger.valueOf(price.inputPerMillion()))
            .add(
                BigInteger.valueOf(t.cached())
                    .multiply(BigInteger.valueOf(price.cachedPerMillion())))
            .add(
                BigInteger.valueOf(t.output())
                    .multiply(BigInteger.valueOf(price.outputPerMillion())));
    BigInteger scaled =
        listTimesMillion
            .multiply(BigInteger.valueOf(100L + markup(tier)))
            .multiply(BigInteger.valueOf(percent));
    // divide by 1e6 (per million) and by 100 twice (markup, percent), rounding up
    BigInteger divisor = MILLION_PERCENT.multiply(BigInteger.valueOf(100));
    BigInteger[] qr = scaled.divideAndRemainder(divisor);
    BigInteger rounded = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    return rounded.min(BigInteger.valueOf(Long.MAX_VALUE / 4)).longValueExact();
  }

  private int markup(Tier tier) {
    int m =
        switch (tier) {
          case STANDARD -> markupStandard;
          case PROFESSIONAL -> markupProfessional;
          case ENTERPRISE -> markupEnterprise;
        };
    return Math.max(0, m);
  }

  private static int clampPercent(int p) {
    return Math.max(0, Math.min(100, p));
  }
}
