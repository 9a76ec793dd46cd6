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
        String detail = detail(sql);
        switch (sql.getSQLState()) {
          case "TS402":
            return new InsufficientCreditsException(needed, parseLong(detail));
          case "TS403":
            return new BudgetExceededException(detail);
          case "TS422":
            return new ConflictException(sql.getMessage().lines().findFirst().orElse(""));
          default:
            break;
        }
      }
    }
    return null;
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
    try {
      return Long.parseLong(s.strip());
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
