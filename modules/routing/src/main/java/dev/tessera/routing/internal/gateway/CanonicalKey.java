package dev.tessera.routing.internal.gateway;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * An unambiguous digest of a request for cache keys. Records' {@code toString()} is not one: a
 * message whose text mimics the rendering of two messages renders like a two-message conversation.
 * Here every value is written with its kind and its length first (records field by field with their
 * type, lists with their size, maps in key order), so two different requests never encode the same,
 * whatever their text holds.
 */
final class CanonicalKey {
  private CanonicalKey() {}

  /** Hex SHA-256 of the canonical encoding of {@code parts}, in order. */
  static String digest(Object... parts) {
    StringBuilder out = new StringBuilder(256);
    for (Object part : parts) {
      encode(part, out);
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(out.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void encode(Object v, StringBuilder out) {
    if (v == null) {
      out.append('N');
    } else if (v instanceof Record r) {
      RecordComponent[] components = r.getClass().getRecordComponents();
      text('R', r.getClass().getName(), out);
      out.append(components.length).append('{');
      for (RecordComponent c : components) {
        try {
          encode(c.getAccessor().invoke(r), out);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("CanonicalKey cannot read " + c, e);
        }
      }
      out.append('}');
    } else if (v instanceof Collection<?> list) {
      out.append('L').append(list.size()).append('[');
      list.forEach(item -> encode(item, out));
      out.append(']');
    } else if (v instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, val) -> sorted.put(String.valueOf(k), val));
      out.append('M').append(sorted.size()).append('[');
      sorted.forEach(
          (k, val) -> {
            text('S', k, out);
            encode(val, out);
          });
      out.append(']');
    } else if (v instanceof Enum<?> e) {
      text('E', e.getDeclaringClass().getName() + "." + e.name(), out);
    } else {
      // strings, numbers, booleans, JSON values (whose text is itself unambiguous): typed and
      // length-prefixed
      text(
          v instanceof String ? 'S' : 'V',
          v instanceof String s ? s : v.getClass().getName() + "=" + v,
          out);
    }
  }

  private static void text(char kind, String s, StringBuilder out) {
    out.append(kind).append(s.length()).append(':').append(s);
  }
}
