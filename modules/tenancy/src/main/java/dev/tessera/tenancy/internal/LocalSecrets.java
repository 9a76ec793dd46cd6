package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.OperatorToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Secrets that Tessera generates when the operator did not configure them: the platform operator's
 * token, the application role's database password (and the embedded PostgreSQL's superuser
 * password, see {@link DatabaseServer}). Generated once, kept in the data dir (mode 600), so a
 * restart keeps them.
 */
@ApplicationScoped
public class LocalSecrets implements OperatorToken {
  private static final Logger LOG = Logger.getLogger(LocalSecrets.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject PlatformSettings settings;

  private volatile byte[] adminTokenHash;
  private volatile boolean generatedThisStart;

  String appDatabasePassword() {
    return settings.appPassword().orElseGet(() -> stored("db-app-password", 24).value());
  }

  @Override
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(adminHash(), sha256(presented));
  }

  @Override
  public Optional<String> newlyGenerated() {
    adminHash();
    return generatedThisStart ? Optional.of(stored("admin-token", 32).value()) : Optional.empty();
  }

  @Override
  public String whereStored() {
    return settings.adminToken().isPresent()
        ? "TESSERA_ADMIN_TOKEN"
        : settings.dataDir().resolve("admin-token").toString();
  }

  private byte[] adminHash() {
    byte[] h = adminTokenHash;
    if (h == null) {
      synchronized (this) {
        if (adminTokenHash == null) {
          String token =
              settings
                  .adminToken()
                  .orElseGet(
                      () -> {
                        Stored s = stored("admin-token", 32);
                        generatedThisStart = s.created();
                        return s.value();
                      });
          adminTokenHash = sha256(token);
        }
        h = adminTokenHash;
      }
    }
    return h;
  }

  record Stored(String value, boolean created) {}

  private synchronized Stored stored(String name, int bytes) {
    return readOrCreate(settings.dataDir().resolve(name), bytes);
  }

  /**
   * The secret kept in {@code file}, or a new random one of {@code bytes} bytes (base64url) written
   * there. The file is created with mode 600 from the start (never readable by others, not even for
   * the moment between creating it and restricting it).
   */
  static synchronized Stored readOrCreate(Path file, int bytes) {
    try {
      if (Files.exists(file)) {
        return new Stored(Files.readString(file, StandardCharsets.UTF_8).trim(), false);
      }
      Files.createDirectories(file.getParent());
      byte[] raw = new byte[bytes];
      RANDOM.nextBytes(raw);
      String value = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      createPrivate(file, value);
      return new Stored(value, true);
    } catch (IOException e) {
      throw new UncheckedIOException("TENANCY-0031 cannot read or write " + file, e);
    }
  }

  /** Writes {@code value} to a new file that is mode 600 from the moment it exists. */
  static void createPrivate(Path file, String value) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      LOG.warning("TENANCY-0030 cannot restrict permissions of " + file);
      Files.createFile(file);
    }
    Files.writeString(file, value, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
