package dev.tessera.routing.internal.telemetry;

import dev.tessera.routing.api.ProviderException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code error.type} of a failed call, a short fixed vocabulary: a provider failure's kind
 * ({@code timeout}, {@code server_error}, …), else the exception's simple class name (bounded by
 * the code base, worked out once per class).
 */
public final class ErrorTypes {
  private static final String[] KINDS = new String[ProviderException.Kind.values().length];
  private static final Map<Class<?>, String> BY_CLASS = new ConcurrentHashMap<>();

  static {
    for (ProviderException.Kind k : ProviderException.Kind.values()) {
      KINDS[k.ordinal()] = k.name().toLowerCase(Locale.ROOT);
    }
  }

  private ErrorTypes() {}

  public static String of(Throwable failure) {
    if (failure == null) {
      return "";
    }
    if (failure instanceof ProviderException p) {
      return KINDS[p.kind().ordinal()];
    }
    return BY_CLASS.computeIfAbsent(failure.getClass(), ErrorTypes::named);
  }

  private static String named(Class<?> type) {
    String n = type.getSimpleName();
    if (n.endsWith("Exception")) {
      n = n.substring(0, n.length() - "Exception".length());
    }
    // CamelCase to snake_case: UnknownModel -> unknown_model
    return n.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
