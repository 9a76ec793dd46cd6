package dev.tessera.platform.ear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deploys {@code target/tessera.ear} on a fresh Payara Server domain and waits for {@code
 * /health/ready} to answer 200 / UP.
 *
 * <p>The domain is loopback-only: every listener (HTTP, HTTPS, admin, IIOP, JMX) is bound to
 * 127.0.0.1, the Data Grid (Hazelcast) uses TCP/IP discovery with the DAS itself as the only member
 * on 127.0.0.1 (never multicast), and the embedded JMS broker is disabled. Ports come from a free
 * {@code --portbase} block, never the well-known defaults.
 *
 * <p>Configuration for the application goes in as {@code -D} options on the domain JVM: add them to
 * {@link #domainJvmOptions()}, or pass {@code -Dtessera.it.jvm-options="-Da=1|-Db=2"} to Maven.
 *
 * <p>Inputs (set by the module's failsafe configuration): {@code tessera.it.ear}, {@code
 * tessera.it.payara} (the unpacked {@code payara6} folder), {@code tessera.it.work}. The domain's
 * {@code server.log} is copied to {@code target/it/server.log} at the end.
 */
class EarOnPayaraServerIT {

  private static final String DOMAIN = "tessera-it";
  private static final String APP = "tessera";
  private static final Duration READY_TIMEOUT =
      Duration.ofSeconds(Long.getLong("tessera.it.ready-timeout-seconds", 180));
  private static final Duration ASADMIN_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);

  /** Payara's port layout: admin = base+48, HTTP = base+80, Hazelcast DAS = base+49, ... */
  private static final int PORT_BLOCK = 100;

  private static Path payaraHome;
  private static Path ear;
  private static Path work;
  private static Path domainsDir;
  private static int portBase;
  private static int adminPort;
  private static int httpPort;
  private static boolean domainCreated;
  private static boolean domainRunning;
  private static boolean appDeployed;
  private static int asadminCalls;
  private static final Map<String, Duration> TIMINGS = new LinkedHashMap<>();

  /**
   * System properties of the domain JVM (given with {@code asadmin create-jvm-options}). Extend
   * this list for more application configuration (MicroProfile Config reads them).
   */
  static List<String> domainJvmOptions() {
    List<String> options = new ArrayList<>();
    options.add("-Xmx" + System.getProperty("tessera.it.xmx", "1g"));
    options.add("-Dtessera.data-dir=" + work.resolve("data"));
    options.add("-Djava.io.tmpdir=" + work.resolve("tmp"));
    // Hazelcast: listen on the configured interface (127.0.0.1) only, not on 0.0.0.0.
    options.add("-Dhazelcast.socket.bind.any=false");
    options.add("-Dhazelcast.phone.home.enabled=false");
    // as the launcher: at least 2 common-pool threads, or every upstream answer starts a thread
    int cores = Runtime.getRuntime().availableProcessors();
    options.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + Math.max(2, cores - 1));
    for (String extra : System.getProperty("tessera.it.jvm-options", "").split("\\|")) {
      if (!extra.isBlank()) {
        options.add(extra.trim());
      }
    }
    return options;
  }

  /**
   * Commands the DAS runs before its services start on the first boot, so that the very first start
   * already binds to loopback and never looks for cluster members elsewhere. (The same as {@code
   * set-hazelcast-configuration --clustermode tcpip --tcpipmembers 127.0.0.1:<das port>
   * --interfaces 127.0.0.1 --dasbindaddress 127.0.0.1 --daspublicaddress 127.0.0.1}, which does not
   * take effect as a pre-boot command.)
   */
  static List<String> prebootCommands() {
    String listeners =
        "configs.config.server-config.network-config.network-listeners.network-listener.";
    String iiop = "configs.config.server-config.iiop-service.iiop-listener.";
    return List.of(
        "set hazelcast-runtime-configuration.discovery-mode=tcpip",
        "set hazelcast-runtime-configuration.tcpip-members=127.0.0.1:" + (portBase + 49),
        "set hazelcast-runtime-configuration.interface=127.0.0.1",
        "set hazelcast-runtime-configuration.das-bind-address=127.0.0.1",
        "set hazelcast-runtime-configuration.das-public-address=127.0.0.1",
        "set configs.config.server-config.hazelcast-config-specific-configuration.public-address=127.0.0.1",
        "set " + listeners + "http-listener-1.address=127.0.0.1",
        "set " + listeners + "http-listener-2.address=127.0.0.1",
        "set " + listeners + "admin-listener.address=127.0.0.1",
        "set " + iiop + "orb-listener-1.address=127.0.0.1",
        "set " + iiop + "SSL.address=127.0.0.1",
        "set " + iiop + "SSL_MUTUALAUTH.address=127.0.0.1",
        "set configs.config.server-config.admin-service.jmx-connector.system.address=127.0.0.1");
  }

  @BeforeAll
  static void startDomainAndDeploy() throws Exception {
    payaraHome = Path.of(requiredProperty("tessera.it.payara")).toAbsolutePath();
    ear = Path.of(requiredProperty("tessera.it.ear")).toAbsolutePath();
    work = Path.of(requiredProperty("tessera.it.work")).toAbsolutePath();
    assertTrue(Files.isRegularFile(ear), "no EAR at " + ear);
    assertTrue(Files.isRegularFile(cliJar()), "no Payara Server at " + payaraHome);
    Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));

    domainsDir = work.resolve("domains");
    if (Files.isDirectory(domainsDir.resolve(DOMAIN))) {
      // Left behind by a killed run: stop it if it still runs, then start afresh.
      asadminQuietly("stop-domain", "--domaindir", domainsDir.toString(), DOMAIN);
    }
    for (String dir : List.of("domains", "data", "tmp")) {
      deleteRecursively(work.resolve(dir));
      Files.createDirectories(work.resolve(dir));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(EarOnPayaraServerIT::stopOnJvmExit));

    portBase = findFreePortBase();
    adminPort = portBase + 48;
    httpPort = portBase + 80;
    System.out.printf(
        "[it] Payara Server %s, portbase %d (admin %d, http %d), work %s%n",
        payaraHome, portBase, adminPort, httpPort, work);

    try {
      timed(
          "create-domain",
          () ->
              asadmin(
                  ASADMIN_TIMEOUT,
                  "create-domain",
                  "--nopassword",
                  "--portbase",
                  String.valueOf(portBase),
                  "--domaindir",
                  domainsDir.toString(),
                  DOMAIN));
      domainCreated = true;

      Path preboot = work.resolve("preboot.asadmin");
      Files.write(preboot, prebootCommands(), StandardCharsets.UTF_8);
      domainRunning = true; // from here on, always try to stop it
      timed(
          "start-domain (1st boot)",
          () ->
              asadmin(
                  ASADMIN_TIMEOUT,
                  "start-domain",
                  "--domaindir",
                  domainsDir.toString(),
                  "--prebootcommandfile",
                  preboot.toString(),
                  DOMAIN));

      timed(
          "configure JVM options",
          () -> {
            asadminRemoteQuietly("delete-jvm-options", "-Xmx512m");
            asadminRemote(
                ASADMIN_TIMEOUT, "create-jvm-options", joinJvmOptions(domainJvmOptions()));
            // Payara's phone-home would report usage off the machine.
            asadminRemoteQuietly("disable-phone-home");
            // The lazily started JMS broker would listen on 0.0.0.0; the app uses no JMS.
            asadminRemote(
                ASADMIN_TIMEOUT, "set", "configs.config.server-config.jms-service.type=DISABLED");
            return null;
          });
      timed(
          "restart-domain",
          () ->
              asadmin(
                  ASADMIN_TIMEOUT, "restart-domain", "--domaindir", domainsDir.toString(), DOMAIN));

      timed(
          "deploy",
          () ->
              asadminRemote(
                  DEPLOY_TIMEOUT, "deploy", "--force=true", "--name", APP, ear.toString()));
      appDeployed = true;
    } catch (Exception | Error e) {
      printServerLogTail(200);
      throw e;
    }
  }

  @Test
  void readinessIsUpOnTheHttpListener() throws Exception {
    URI ready = URI.create("http://127.0.0.1:" + httpPort + "/health/ready");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long start = System.nanoTime();
    long deadline = start + READY_TIMEOUT.toNanos();
    int status = -1;
    String body = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        status = response.statusCode();
        body = response.body();
        if (status == 200 && isUp(body)) {
          break;
        }
      } catch (IOException e) {
        body = e.toString();
      }
      TimeUnit.SECONDS.sleep(2);
    }
    TIMINGS.put("deploy -> ready", Duration.ofNanos(System.nanoTime() - start));
    System.out.printf("[it] GET %s -> %d %s%n", ready, status, body);
    if (status != 200 || !isUp(body)) {
      printServerLogTail(200);
    }
    assertEquals(200, status, "readiness status; last body: " + body);
    assertTrue(isUp(body), "readiness body: " + body);
  }

  @Test
  void serverUsesLoopbackOnly() throws IOException {
    assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc");
    Path pidFile = domainsDir.resolve(DOMAIN).resolve("config").resolve("pid");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Set<String> inodes = socketInodes(pid);
    List<String> problems = new ArrayList<>();
    List<String> listening = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
      for (String[] row : procNetRows(table)) {
        if (!inodes.contains(row[9])) {
          continue;
        }
        InetSocketAddress local = parseProcAddress(row[1]);
        InetSocketAddress remote = parseProcAddress(row[2]);
        boolean tcp = table.startsWith("tcp");
        if (tcp && "0A".equals(row[3])) { // LISTEN
          listening.add(local.getPort() + "");
          if (!local.getAddress().isLoopbackAddress()) {
            problems.add(table + " listener on " + local);
          }
        } else if (tcp && !remote.getAddress().isLoopbackAddress()) {
          problems.add(table + " connection " + local + " -> " + remote);
        } else if (!tcp
            && (local.getAddress().isMulticastAddress()
                || local.getPort() == 54327
                || !(local.getAddress().isLoopbackAddress()
                    || local.getAddress().isAnyLocalAddress()))) {
          problems.add(table + " socket on " + local);
        }
      }
    }
    System.out.println("[it] server pid " + pid + " listens on 127.0.0.1 ports " + listening);
    assertTrue(problems.isEmpty(), "non-loopback sockets of the server: " + problems);
    assertTrue(
        listening.contains(String.valueOf(httpPort)), "HTTP listener not found: " + listening);
  }

  @AfterAll
  static void undeployAndStop() {
    try {
      if (appDeployed) {
        timedQuietly("undeploy", () -> asadminRemote(ASADMIN_TIMEOUT, "undeploy", APP));
      }
      if (domainRunning) {
        timedQuietly(
            "stop-domain",
            () ->
                asadmin(
                    ASADMIN_TIMEOUT, "stop-domain", "--domaindir", domainsDir.toString(), DOMAIN));
        domainRunning = false;
      }
    } finally {
      if (domainCreated) {
        copyServerLog();
        timedQuietly(
            "delete-domain",
            () ->
                asadmin(
                    ASADMIN_TIMEOUT,
                    "delete-domain",
                    "--domaindir",
                    domainsDir.toString(),
                    DOMAIN));
        deleteRecursivelyQuietly(domainsDir.resolve(DOMAIN));
      }
      System.out.println(
          "[it] timings: "
              + TIMINGS.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue().toMillis() / 100 / 10.0 + "s")
                  .collect(Collectors.joining(", ")));
    }
  }

  // ---------------------------------------------------------------- asadmin

  private static Path cliJar() {
    return payaraHome
        .resolve("glassfish")
        .resolve("lib")
        .resolve("client")
        .resolve("appserver-cli.jar");
  }

  /** Runs a local asadmin command (create/start/stop/delete-domain) and returns its output. */
  static String asadmin(Duration timeout, String... args) throws IOException, InterruptedException {
    return asadmin(timeout, List.of(), args);
  }

  /** Runs a remote asadmin command against the domain's admin listener on 127.0.0.1. */
  static String asadminRemote(Duration timeout, String... args)
      throws IOException, InterruptedException {
    return asadmin(
        timeout, List.of("--host", "127.0.0.1", "--port", String.valueOf(adminPort)), args);
  }

  private static String asadmin(Duration timeout, List<String> programOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(cliJar().toString());
    command.add("--interactive=false");
    command.addAll(programOptions);
    command.addAll(List.of(args));
    String name = String.format("%02d-%s", ++asadminCalls, args[0]);
    Path log = work.resolve("asadmin").resolve(name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile()); // a file: the server JVM may inherit it and live on
    builder.environment().put("AS_JAVA", System.getProperty("java.home"));
    Process process = builder.start();
    process.getOutputStream().close();
    boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    String shown = String.join(" ", command.subList(4, command.size()));
    System.out.println("[it] asadmin " + shown + "\n" + output.strip());
    if (!finished) {
      throw new IllegalStateException(
          "asadmin " + shown + " timed out after " + timeout + ":\n" + output);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "asadmin " + shown + " exited " + process.exitValue() + ":\n" + output);
    }
    return output;
  }

  private static void asadminQuietly(String... args) {
    try {
      asadmin(ASADMIN_TIMEOUT, args);
    } catch (Exception e) {
      System.out.println("[it] ignored: " + e.getMessage());
    }
  }

  private static void asadminRemoteQuietly(String... args) {
    try {
      asadminRemote(ASADMIN_TIMEOUT, args);
    } catch (Exception e) {
      System.out.println("[it] ignored: " + e.getMessage());
    }
  }

  /** create-jvm-options separates options with ':'; a ':' inside an option is escaped. */
  static String joinJvmOptions(List<String> options) {
    return options.stream().map(o -> o.replace(":", "\\:")).collect(Collectors.joining(":"));
  }

  private static void stopOnJvmExit() {
    if (domainRunning) {
      asadminQuietly("stop-domain", "--domaindir", domainsDir.toString(), DOMAIN);
    }
  }

  // ---------------------------------------------------------------- helpers

  private interface Step {
    Object run() throws Exception;
  }

  private static void timed(String name, Step step) throws Exception {
    long start = System.nanoTime();
    try {
      step.run();
    } finally {
      TIMINGS.put(name, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private static void timedQuietly(String name, Step step) {
    try {
      timed(name, step);
    } catch (Exception e) {
      System.out.println("[it] " + name + " failed: " + e.getMessage());
    }
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      fail("system property " + name + " is not set (run through Maven failsafe)");
    }
    return value;
  }

  private static boolean isUp(String body) {
    return body != null && body.replaceAll("\\s", "").startsWith("{\"status\":\"UP\"");
  }

  /** A block of PORT_BLOCK ports, all free on 127.0.0.1, outside the ephemeral range. */
  static int findFreePortBase() {
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + PORT_BLOCK * random.nextInt(120); // 20000 .. 31900
      if (blockIsFree(base)) {
        return base;
      }
    }
    throw new IllegalStateException(
        "no free block of " + PORT_BLOCK + " ports between 20000 and 32000");
  }

  private static boolean blockIsFree(int base) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int port = base; port < base + PORT_BLOCK; port++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(loopback, port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static Path serverLog() {
    return domainsDir.resolve(DOMAIN).resolve("logs").resolve("server.log");
  }

  private static void copyServerLog() {
    try {
      if (Files.exists(serverLog())) {
        Files.copy(serverLog(), work.resolve("server.log"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("[it] server log copied to " + work.resolve("server.log"));
      }
    } catch (IOException e) {
      System.out.println("[it] could not copy server.log: " + e);
    }
  }

  private static void printServerLogTail(int lines) {
    try {
      if (domainsDir != null && Files.exists(serverLog())) {
        List<String> all = Files.readAllLines(serverLog(), StandardCharsets.UTF_8);
        System.out.println("[it] ---- last " + lines + " lines of " + serverLog());
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
        System.out.println("[it] ---- end of server.log");
      }
    } catch (IOException | UncheckedIOException e) {
      System.out.println("[it] could not read server.log: " + e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static void deleteRecursivelyQuietly(Path dir) {
    try {
      deleteRecursively(dir);
    } catch (IOException e) {
      System.out.println("[it] could not delete " + dir + ": " + e);
    }
  }

  // ---------------------------------------------------------------- /proc (Linux)

  private static Set<String> socketInodes(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.collect(Collectors.toList())) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return inodes;
  }

  private static List<String[]> procNetRows(String table) throws IOException {
    Path file = Path.of("/proc/net", table);
    if (!Files.isReadable(file)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(file);
    return lines.subList(1, lines.size()).stream()
        .map(line -> line.trim().split("\\s+"))
        .filter(fields -> fields.length > 9)
        .collect(Collectors.toList());
  }

  /**
   * "0100007F:1F90" (IPv4) or 32 hex digits (IPv6), each 32-bit word in host (little-endian) order.
   */
  static InetSocketAddress parseProcAddress(String field) throws IOException {
    String[] parts = field.split(":");
    String hex = parts[0];
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int from = (word * 4 + (3 - i)) * 2;
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(from, from + 2), 16);
      }
    }
    return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(parts[1], 16));
  }
}
