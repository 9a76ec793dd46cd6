package dev.tessera.governance.internal.safety.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every recognizer a policy needs, compiled once per policy: {@link #scan} returns the findings of
 * a text without overlaps (the higher score wins, then the longer value), in text order.
 */
public final class PiiScanner {
  /** Every built-in kind, for policies and validation. */
  public static final Set<String> BUILT_IN_TYPES =
      Set.of(
          Recognizers.EMAIL,
          PhoneRecognizer.PHONE,
          Recognizers.CREDIT_CARD,
          Recognizers.IBAN,
          Recognizers.IP_ADDRESS,
          Recognizers.US_SSN,
          Recognizers.UK_NINO,
          Recognizers.DE_TAX_ID,
          Recognizers.API_SECRET);

  /** Regions tried for phone numbers written without a country code, when a policy names none. */
  public static final List<String> DEFAULT_PHONE_REGIONS = List.of("US", "GB", "DE");

  private static final Comparator<Finding> STRONGEST =
      Comparator.comparingDouble(Finding::score)
          .reversed()
          .thenComparing(Comparator.comparingInt(Finding::length).reversed());

  private final Recognizer[] recognizers;

  /**
   * Recognizers for the kinds in {@code enabled} (built-in kinds and the dictionaries' kinds);
   * kinds a policy ALLOWs are simply not scanned.
   */
  public PiiScanner(
      Set<String> enabled, List<String> phoneRegions, Map<String, List<String>> dictionaries) {
    List<Recognizer> all = new ArrayList<>();
    for (Recognizer r : Recognizers.builtIn()) {
      if (enabled.contains(r.type)) {
        all.add(r);
      }
    }
    if (enabled.contains(PhoneRecognizer.PHONE)) {
      all.add(new PhoneRecognizer(phoneRegions.isEmpty() ? DEFAULT_PHONE_REGIONS : phoneRegions));
    }
    dictionaries.forEach(
        (type, terms) -> {
          if (enabled.contains(type) && terms.stream().anyMatch(t -> t != null && !t.isBlank())) {
            all.add(new DictionaryRecognizer(type, terms));
          }
        });
    recognizers = all.toArray(new Recognizer[0]);
  }

  /** True when no recognizer is enabled. */
  public boolean empty() {
    return recognizers.length == 0;
  }

  /** The text's findings, without overlaps, in order; an empty list allocates nothing. */
  public List<Finding> scan(String text) {
    if (text == null || text.isEmpty() || recognizers.length == 0) {
      return List.of();
    }
    TextShape shape = TextShape.of(text);
    List<Finding> found = null;
    for (Recognizer r : recognizers) {
      if (r.worthScanning(shape)) {
        if (found == null) {
          found = new ArrayList<>(4);
        }
        r.find(text, shape, found);
      }
    }
    if (found == null || found.isEmpty()) {
      return List.of();
    }
    if (found.size() == 1) {
      return found;
    }
    found.sort(STRONGEST);
    List<Finding> kept = new ArrayList<>(found.size());
    for (Finding f : found) {
      boolean overlaps = false;
      for (Finding k : kept) {
        if (f.start() < k.end() && k.start() < f.end()) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        kept.add(f);
      }
    }
    kept.sort(Comparator.comparingInt(Finding::start));
    return kept;
  }
}
