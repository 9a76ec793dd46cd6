package dev.tessera.web.platform;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Under the launcher ({@code ./tessera start}, which sends the full server log to a file and shows
 * only SEVERE records of the server on the console) Tessera's own warnings go to the console too:
 * they say what to fix (TENANCY-, ROUTING-, WEB- codes), unlike the server's boot chatter (expired
 * certificates in its trust store, deprecation notes), which stays in the file.
 */
@WebListener
public class ConsoleWarnings implements ServletContextListener {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final SimpleFormatter FORMAT = new SimpleFormatter();
  private Handler handler;

  @Override
  public void contextInitialized(ServletContextEvent event) {
    if (ConfigProvider.getConfig().getOptionalValue("tessera.log.file", String.class).isEmpty()) {
      return; // not under the launcher: the server's own console handler shows everything
    }
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            // SEVERE reaches the console through the server's handler already
            if (r.getLevel() == Level.WARNING
                && r.getLoggerName() != null
                && r.getLoggerName().startsWith("dev.tessera.")) {
              err.println(LocalTime.now().format(TIME) + " WARNING " + FORMAT.formatMessage(r));
            }
          }

          @Override
          public void flush() {
            err.flush();
          }

          @Override
          public void close() {
            flush();
          }
        };
    handler.setLevel(Level.WARNING);
    Logger.getLogger("").addHandler(handler);
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    if (handler != null) {
      Logger.getLogger("").removeHandler(handler);
    }
  }
}
