package dev.tessera.web.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One real Payara Micro process running the built WAR, on free loopback ports. */
final class Node implements AutoCloseable {
  final String name;
  final int port;
  final int clusterPort;
  final Path dir;
  final Path log;
  private Process process;

  Node(String name, Path root) throws IOException {
    this.name = name;
    this.port = freePort();
    this.clusterPort = freePort();
    this.dir = root.resolve(name);
    this.log = dir.resolve("server.log");
    Files.createDirectories(dir.resolve("tmp"));
  }

  /**
   * The launcher's common-pool size (see {@code tessera}): the JDK default, cores - 1, but at least
   * 2, or every upstream answer starts a thread of its own.
   */
  static String commonPool() {
    int cores = Runtime.getRuntime().availableProcessors();
    return "-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + Math.max(2, cores - 1);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Starts the node; {@code peers} are the loopback cluster ports of every member, itself included.
   */
  void start(Map<String, String> env, List<Integer> peers) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
    cmd.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
    cmd.add("-Dhazelcast.socket.bind.any=false");
    cmd.add(
        "-Dhazelcast.phone.home.enabled=false"); // Hazelcast would post telemetry off the machine
    cmd.add(commonPool()); // as the launcher: no thread per upstream answer on small machines
    cmd.add("-jar");
    cmd.add(Settings.MICRO.toString());
    cmd.add("--deploy");
    cmd.add(Settings.WAR.toString());
    cmd.add("--contextroot");
    cmd.add("/");
    cmd.add("--port");
    cmd.add(Integer.toString(port));
    cmd.add("--interfaces");
    cmd.add("127.0.0.1");
    cmd.add("--nohostaware");
    cmd.add("--disablephonehome");
    // the HTTP listener on loopback only (--interfaces covers only the data grid)
    Path preboot = dir.resolve("preboot-commands.txt");
    Files.writeString(
        preboot,
        "set configs.config.server-config.network-config.network-listeners.network-listener"
            + ".http-listener.address=127.0.0.1\n"
            + Files.readString(Settings.PAYARA_PREBOOT));
    cmd.add("--prebootcommandfile");
    cmd.add(preboot.toString());
    if (peers.isEmpty()) {
      cmd.add("--nocluster");
    } else {
      StringBuilder members = new StringBuilder();
      for (int p : peers) {
        members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
      }
      cmd.add("--clustermode");
      cmd.add("tcpip:" + members);
      cmd.add("--startport");
      cmd.add(Integer.toString(clusterPort));
      cmd.add("--hzinitialjoinwait");
      cmd.add("0");
      // as the launcher does: the grid's name is derived from the shared cluster secret
      cmd.add("--clustername");
      cmd.add(clusterName(env.get("TESSERA_CLUSTER_SECRET")));
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("TESSERA_PORT", Integer.toString(port));
    pb.environment().put("TESSERA_CLUSTER_ENABLED", Boolean.toString(!peers.isEmpty()));
    pb.environment().put("TESSERA_DATA_DIR", dir.resolve("data").toString());
    process = pb.start();
  }

  /** The data grid's name for a cluster secret, exactly as the launcher derives it. */
  static String clusterName(String secret) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "tessera-" + java.util.HexFormat.of().formatHex(digest).substring(0, 40);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until /health/ready answers 200, or fails with the last probe's outcome, a thread dump of
   * the node and the tail of its log (so a hang or a wrong listener can be told apart from a slow
   * start).
   */
  void awaitReady(Duration timeout) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no probe yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited early:\n" + tail());
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = "HTTP " + r.statusCode() + " " + r.body();
      } catch (IOException notYet) {
        last = notYet.toString(); // not listening yet, or the probe timed out
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        name
            + " not ready in "
            + timeout
            + " on port "
            + port
            + "; last probe: "
            + last
            + "\n--- threads ---\n"
            + threadDump()
            + "\n--- log tail ---\n"
            + tail());
  }

  private String threadDump() {
    try {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(30, TimeUnit.SECONDS);
      // keep the request-handling threads, where a hang shows
      StringBuilder kept = new StringBuilder();
      for (String block : out.split("\n\n")) {
        if (block.contains("http-thread-pool") || block.contains("health")) {
          kept.append(block, 0, Math.min(block.length(), 3000)).append("\n\n");
        }
      }
      return kept.length() == 0 ? out.substring(0, Math.min(out.length(), 8000)) : kept.toString();
    } catch (Exception e) {
      return "(no thread dump: " + e + ")";
    }
  }

  String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  String tail() throws IOException {
    String s = logText();
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Kills the process at once (SIGKILL): no shutdown hooks, no @PreDestroy, leases left behind. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
