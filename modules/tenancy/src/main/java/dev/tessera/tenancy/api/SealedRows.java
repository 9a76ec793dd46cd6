package dev.tessera.tenancy.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Re-seals the sealed column of a table's rows in the caller's transaction: under the current
 * master key and bound to each row's owner ({@link SecretVault#reseal}); rows already so are left
 * alone. The one loop behind start-up re-sealing and master key rotation, for every table that
 * keeps sealed secrets.
 */
public final class SealedRows {
  private SealedRows() {}

  /**
   * @param select returns {@code (id, ciphertext, key id)} of the rows to look at, locked ({@code
   *     FOR UPDATE}); {@code selectParameter} is its one parameter, or null for none
   * @param update takes {@code (ciphertext, key id, id)}
   * @param binding the binding of the row with that id
   * @return how many rows were sealed again
   */
  public static int reseal(
      Connection c,
      SecretVault vault,
      String select,
      Object selectParameter,
      String update,
      Function<Object, String> binding)
      throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(select)) {
      if (selectParameter != null) {
        ps.setObject(1, selectParameter);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Object[] {rs.getObject(1), rs.getBytes(2), rs.getString(3)});
        }
      }
    }
    int changed = 0;
    for (Object[] r : rows) {
      SecretVault.Sealed fresh =
          vault.reseal(new SecretVault.Sealed((String) r[2], (byte[]) r[1]), binding.apply(r[0]));
      if (fresh == null) {
        continue; // bound and under the current key already
      }
      try (PreparedStatement up = c.prepareStatement(update)) {
        up.setBytes(1, fresh.ciphertext());
        up.setString(2, fresh.keyId());
        up.setObject(3, r[0]);
        changed += up.executeUpdate();
      }
    }
    return changed;
  }
}
