import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Appends N entries to one tenant's audit chain exactly as the application does (through
 * tessera_meta.audit_append, as tessera_app), in transactions of 100,000.
 * Usage: java -cp postgresql.jar AuditFill.java jdbcUrl appPassword tenantId count
 */
public class AuditFill {
  public static void main(String[] a) throws Exception {
    long count = Long.parseLong(a[3]);
    try (Connection c = DriverManager.getConnection(a[0], "tessera_app", a[1])) {
      c.setAutoCommit(false);
      long done = 0;
      long started = System.nanoTime();
      while (done < count) {
        long n = Math.min(100_000, count - done);
        try (PreparedStatement enter = c.prepareStatement("SELECT tessera_meta.enter_tenant(?::uuid)")) {
          enter.setString(1, a[2]);
          enter.executeQuery().close();
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(tessera_meta.audit_append('key:bench', '127.0.0.1', 'bench.entry',"
                    + " 'bench', g::text, NULL, jsonb_build_object('n', g, 'note', 'an admin action'),"
                    + " NULL)) FROM generate_series(1, ?) g")) {
          ps.setLong(1, n);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
          }
        }
        c.commit();
        done += n;
        System.err.printf("appended %,d / %,d%n", done, count);
      }
      System.out.printf("appended=%d seconds=%.1f%n", done, (System.nanoTime() - started) / 1e9);
    }
  }
}
