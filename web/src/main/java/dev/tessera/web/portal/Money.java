package dev.tessera.web.portal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Micro-credits shown as credits (exact: integers in, six decimals out), for pages and forms. */
@Named
@ApplicationScoped
public class Money {
  private static final BigDecimal MICRO = BigDecimal.valueOf(1_000_000);

  /** Credits typed in a form to micro-credits; more than six decimals is refused. */
  static long toMicro(BigDecimal credits) {
    try {
      return credits.multiply(MICRO).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("at most six decimals, and not that large");
    }
  }

  /** {@code 12.5} for 12,500,000 micro-credits; trailing zeros dropped. */
  public String credits(long micro) {
    return BigDecimal.valueOf(micro, 6).stripTrailingZeros().toPlainString();
  }
}
