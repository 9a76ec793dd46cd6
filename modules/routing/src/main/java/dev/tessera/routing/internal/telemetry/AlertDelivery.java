package dev.tessera.routing.internal.telemetry;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Pages on-call from inside Tessera: each round is handed the alerts firing now; a new one is sent
 * as a trigger, one that stopped firing as a resolve, and nothing is sent while nothing changes
 * (deduplicated by the alert's key, which is also PagerDuty's {@code dedup_key}). A receiver that
 * fails is tried again next round, per receiver, until it takes the message.
 */
public final class AlertDelivery {
  private static final Logger LOG = Logger.getLogger(AlertDelivery.class.getName());

  /**
   * One alert: {@code key} identifies it across rounds; severity {@code page} or {@code ticket}.
   */
  public record Alert(String key, String summary, String severity, String source) {}

  /** Where alerts go (PagerDuty Events API v2, a signed webhook). */
  public interface Receiver {
    String name();

    /**
     * Sends it; throws if the receiver did not take it (it is tried again next round). {@code
     * messageId} is the same for every try of one message, new for each firing and resolve.
     */
    void send(boolean firing, Alert alert, String messageId) throws Exception;
  }

  private final List<Receiver> receivers;
  private final Map<String, Alert> firing = new HashMap<>();
  private final Map<String, Long> since = new HashMap<>();
  // per receiver: the keys it was told are firing (a key absent here: told resolved, or never told)
  private final Map<Receiver, Set<String>> told = new HashMap<>();

  public AlertDelivery(List<Receiver> receivers) {
    this.receivers = List.copyOf(receivers);
    for (Receiver r : this.receivers) {
      told.put(r, new HashSet<>());
    }
  }

  /** One evaluation: {@code now} are the alerts firing at this moment. */
  public synchronized void round(Collection<Alert> now) {
    Map<String, Alert> current = new HashMap<>();
    for (Alert a : now) {
      current.put(a.key(), a);
    }
    for (Alert a : current.values()) {
      if (firing.putIfAbsent(a.key(), a) == null) {
        since.put(a.key(), System.currentTimeMillis());
      }
    }
    for (Receiver r : receivers) {
      Set<String> known = told.get(r);
      for (Alert a : current.values()) {
        if (!known.contains(a.key()) && deliver(r, true, firing.get(a.key()), since.get(a.key()))) {
          known.add(a.key());
        }
      }
      for (String key : Set.copyOf(known)) {
        if (!current.containsKey(key) && deliver(r, false, firing.get(key), since.get(key))) {
          known.remove(key);
        }
      }
    }
    // forget resolved alerts every receiver has been told about
    firing
        .keySet()
        .removeIf(
            k ->
                !current.containsKey(k)
                    && told.values().stream().noneMatch(s -> s.contains(k))
                    && since.remove(k) != null);
  }

  /** The alerts firing as of the last round. */
  public synchronized Set<String> firing() {
    return Set.copyOf(firing.keySet());
  }

  private static boolean deliver(Receiver r, boolean fire, Alert a, long since) {
    try {
      r.send(fire, a, a.key() + "@" + since + (fire ? ":firing" : ":resolved"));
      LOG.info(
          () ->
              "OBS-0010 alert "
                  + (fire ? "fired" : "resolved")
                  + " to "
                  + r.name()
                  + ": "
                  + a.key());
      return true;
    } catch (Exception e) {
      LOG.warning(
          "OBS-0011 alert "
              + a.key()
              + " not delivered to "
              + r.name()
              + ", retrying next round: "
              + e.getMessage());
      return false;
    }
  }
}
