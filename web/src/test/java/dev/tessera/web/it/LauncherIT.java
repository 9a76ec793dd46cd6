package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The one-command run, as an operator does it: {@code ./tessera start} with no database configured
 * starts an embedded PostgreSQL under the data dir, prints the URL and a generated operator token
 * once; Ctrl-C (SIGINT) stops everything; a restart keeps the data.
 */
class LauncherIT {
  static final Path ROOT = Path.of(System.getProperty("tessera.it.root", ".."));

  @Test
  void start_prints_how_to_log_in_stops_on_ctrl_c_and_keeps_data_across_restarts()
      throws Exception {
    Path data = Settings.WORK.resolve("launcher-data").toAbsolutePath();
    deleteRecursively(data); // a first start on an empty data dir, every run
    Path out1 = Settings.WORK.resolve("launcher-1.log").toAbsolutePath();
    Path out2 = Settings.WORK.resolve("launcher-2.log").toAbsolutePath();
    int port = Node.freePort();

    Process first = launch(data, port, out1);
    String tenant;
    try {
      awaitReady(first, port, out1);
      String printed = Files.readString(out1);
      assertThat(printed).contains("Tessera is running at http://127.0.0.1:" + port);
      // the console: the banner and warnings; the server's INFO chatter goes to the log file
      assertThat(printed.lines().filter(l -> l.contains("INFO"))).isEmpty();
      assertThat(Files.readString(data.resolve("logs/server0.log")))
          .contains("WEB-0320 started")
          .contains("INFO");
      assertThat(listenAddresses(port)).as("HTTP listener addresses").containsOnly("127.0.0.1");
      Path tokenFile = data.resolve("admin-token");
      assertThat(tokenFile).exists();
      String token = Files.readString(tokenFile).trim();
      assertThat(printed).contains("Operator token (shown once").contains(token);
      assertThat(Files.isDirectory(data.resolve("pg"))).isTrue();
      embeddedDatabaseRequiresThePassword(data);
      Api api = new Api("http://127.0.0.1:" + port, token);
      tenant = api.createTenant("PROFESSIONAL");
    } finally {
      interrupt(first);
    }
    assertThat(first.exitValue()).as("exit after Ctrl-C").isNotNull();
    assertThat(data.resolve("pg/postmaster.pid")).as("embedded PostgreSQL stopped").doesNotExist();

    Process second = launch(data, port, out2);
    try {
      awaitReady(second, port, out2);
      String printed = Files.readString(out2);
      String token = Files.readString(data.resolve("admin-token")).trim();
      assertThat(printed)
          .doesNotContain(token)
          .contains("Operator token: see " + data.resolve("admin-token"));
      Api api = new Api("http://127.0.0.1:" + port, token);
      assertThat(api.get("/api/v1/tenants/" + tenant).status()).isEqualTo(200);
      assertThat(api.get("/api/v1/tenants/" + tenant).json().getString("tier"))
          .isEqualTo("PROFESSIONAL");
    } finally {
      interrupt(second);
    }
    assertThat(data.resolve("pg/postmaster.pid")).doesNotExist();
  }

  /**
   * No local process gets into the embedded PostgreSQL without its generated superuser password,
   * kept in the data dir readable by its owner only.
   */
  private static void embeddedDatabaseRequiresThePassword(Path data) throws Exception {
    Path passwordFile = data.resolve("db-superuser-password");
    assertThat(Files.getPosixFilePermissions(passwordFile))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    // postmaster.pid: line 4 is the port
    String pgPort = Files.readAllLines(data.resolve("pg/postmaster.pid")).get(3).strip();
    String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    for (String password : new String[] {"", "postgres", "wrong"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> java.sql.DriverManager.getConnection(url, "postgres", password).close())
          .as("superuser with password '" + password + "'")
          .isInstanceOf(java.sql.SQLException.class)
          .satisfies(
              e -> assertThat(((java.sql.SQLException) e).getSQLState()).isIn("28P01", "08004"));
    }
    try (java.sql.Connection c =
        java.sql.DriverManager.getConnection(
            url, "postgres", Files.readString(passwordFile).strip())) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void the_bundle_is_one_runnable_jar_serving_at_the_root() throws Exception {
    Path log = Settings.WORK.resolve("bundle-build.log").toAbsolutePath();
    ProcessBuilder build =
        new ProcessBuilder(ROOT.resolve("tessera").toString(), "bundle")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    build.environment().put("TESSERA_SKIP_BUILD", "1");
    build
        .environment()
        .put("TESSERA_DATA_DIR", Settings.WORK.resolve("bundle-data").toAbsolutePath().toString());
    Process p = build.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
    Path bundle = ROOT.resolve("target/tessera-micro.jar");
    assertThat(bundle).exists();
    // run as `java -jar` with no flags, the jar itself keeps the grid on its interface and quiet
    try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(bundle.toFile())) {
      java.util.Properties baked = new java.util.Properties();
      baked.load(jar.getInputStream(jar.getEntry("MICRO-INF/deploy/payaramicro.properties")));
      assertThat(baked)
          .containsEntry("hazelcast.socket.bind.any", "false")
          .containsEntry("hazelcast.phone.home.enabled", "false")
          .containsEntry("payaramicro.disablePhoneHome", "true");
      assertThat(
              new String(
                  jar.getInputStream(jar.getEntry("MICRO-INF/pre-boot-commands.txt"))
                      .readAllBytes(),
                  java.nio.charset.StandardCharsets.UTF_8))
          .contains("http-listener.address=127.0.0.1")
          .contains(Files.readString(Settings.PAYARA_PREBOOT).strip());
    }

    Path data = Settings.WORK.resolve("bundle-data").toAbsolutePath();
    deleteRecursively(data);
    Files.createDirectories(data.resolve("tmp"));
    int port = Node.freePort();
    Path out = Settings.WORK.resolve("bundle-run.log").toAbsolutePath();
    ProcessBuilder run =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + data.resolve("tmp"),
                "-Dhazelcast.socket.bind.any=false",
                "-Dhazelcast.phone.home.enabled=false",
                "-jar",
                bundle.toString(),
                "--port",
                Integer.toString(port),
                "--nocluster",
                "--disablephonehome",
                "--interfaces",
                "127.0.0.1")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    run.environment().put("TESSERA_DATA_DIR", data.toString());
    run.environment().remove("TESSERA_DB_URL");
    Process server = run.start();
    try {
      awaitReady(server, port, out);
      // nothing on the command line says where to listen: the baked pre-boot command keeps it local
      assertThat(listenAddresses(port)).as("HTTP listener addresses").containsOnly("127.0.0.1");
      Api anon = new Api("http://127.0.0.1:" + port, null);
      AdminApiIT.assertProblem(anon.get("/api/v1/tenants"), 401);
      String token = Files.readString(data.resolve("admin-token")).trim();
      assertThat(new Api("http://127.0.0.1:" + port, token).get("/api/v1/tenants").status())
          .isEqualTo(200);
    } finally {
      server.destroy();
      server.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static Process launch(Path data, int port, Path out) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(ROOT.resolve("tessera").toString(), "start")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().put("TESSERA_PORT", Integer.toString(port));
    pb.environment().put("TESSERA_DATA_DIR", data.toString());
    pb.environment().put("TESSERA_SKIP_BUILD", "1");
    pb.environment().remove("TESSERA_DB_URL");
    pb.environment().remove("TESSERA_ADMIN_TOKEN");
    return pb.start();
  }

  private static void awaitReady(Process p, int port, Path out) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    Api anon = new Api("http://127.0.0.1:" + port, null);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("launcher exited:\n" + Files.readString(out));
      }
      try {
        if (anon.get("/health/ready").status() == 200) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("launcher not ready:\n" + Files.readString(out));
  }

  /** Ctrl-C: SIGINT to the launcher, which has exec'd into the JVM. */
  private static void interrupt(Process p) throws Exception {
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the launcher did not stop on SIGINT within 60 s");
    }
  }

  /**
   * The local addresses of the sockets listening on {@code port}, from /proc/net/tcp and tcp6 (an
   * IPv4-mapped IPv6 address is shown as IPv4; "*" for a wildcard bind).
   */
  static java.util.Set<String> listenAddresses(int port) throws IOException {
    java.util.Set<String> out = new java.util.TreeSet<>();
    String hexPort = String.format("%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !"0A".equals(f[3]) || !f[1].endsWith(":" + hexPort)) {
          continue; // header, or not LISTEN on this port
        }
        String hex = f[1].substring(0, f[1].indexOf(':'));
        String tail = hex.substring(hex.length() - 8); // IPv4, or the low 32 bits of IPv6
        boolean wildcard = hex.chars().allMatch(c -> c == '0');
        boolean v4 = hex.length() == 8 || hex.startsWith("0000000000000000FFFF0000");
        if (wildcard) {
          out.add("*");
        } else if (v4) {
          int a = (int) Long.parseLong(tail, 16); // little-endian bytes
          out.add((a & 0xff) + "." + (a >> 8 & 0xff) + "." + (a >> 16 & 0xff) + "." + (a >>> 24));
        } else {
          out.add(hex);
        }
      }
    }
    return out;
  }
}
