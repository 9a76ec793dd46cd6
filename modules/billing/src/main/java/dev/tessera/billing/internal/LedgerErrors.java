package dev.tessera.billing.internal;

import dev.tessera.billing.api.BudgetExceededException;
import dev.tessera.billing.api.InsufficientCreditsException;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.TesseraException;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;

/** The ledger functions' SQLSTATEs (TS402, TS403, TS422) as the caller's exceptions. */
final class LedgerErrors {
  private LedgerErrors() {}

  /** The caller-facing failure inside {@code e}, or null when it is a fault of ours. */
  static TesseraException translate(Throwable e, long needed) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TesseraException te) {
        return te;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        TesseraException known = known(sql.getSQLState(), sql.getMessage(), detail(sql), needed);
        if (known != null) {
          return known;
        }
      }
    }
    return null;
  }

  /**
   * A refusal one operation of a batch reported (its SQLSTATE, message, detail) as the caller's
   * exception; a state that is not a refusal is a fault of ours.
   */
  static RuntimeException refusal(String state, String message, String detail, long needed) {
    TesseraException known = known(state, message, detail, needed);
    return known != null
        ? known
        : new IllegalStateException(
            "BILL-0102 ledger operation failed with SQLSTATE " + state + ": " + message);
  }

  private static TesseraException known(String state, String message, String detail, long needed) {
    return switch (state) {
      case "TS402" -> new InsufficientCreditsException(needed, parseLong(detail));
      case "TS403" -> new BudgetExceededException(detail);
      case "TS422" -> new ConflictException(String.valueOf(message).lines().findFirst().orElse(""));
      default -> null;
    };
  }

  static RuntimeException rethrow(RuntimeException e, long needed) {
    TesseraException known = translate(e, needed);
    return known != null ? known : e;
  }

  private static String detail(SQLException sql) {
    if (sql instanceof PSQLException p && p.getServerErrorMessage() != null) {
      return String.valueOf(p.getServerErrorMessage().getDetail());
    }
    return "";
  }

  private static long parseLong(String s) {
    if (s == null) {
      return 0;
    }
    try {
      return Long.parseLong(s.strip());
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
