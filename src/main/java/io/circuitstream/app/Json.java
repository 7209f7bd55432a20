package io.circuitstream.app;

import java.util.Iterator;
import java.util.Map;

/** A minimal JSON writer for the flat result objects the commands print. */
final class Json {
  private Json() {}

  /** Returns a one-line JSON object of strings, numbers and booleans. */
  static String object(Map<String, ?> fields) {
    StringBuilder b = new StringBuilder("{");
    Iterator<? extends Map.Entry<String, ?>> it = fields.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, ?> e = it.next();
      b.append(quote(e.getKey())).append(':').append(value(e.getValue()));
      if (it.hasNext()) {
        b.append(',');
      }
    }
    return b.append('}').toString();
  }

  /** JSON text inserted as it is, such as a nested array. */
  record Raw(String json) {}

  private static String value(Object v) {
    if (v instanceof Raw raw) {
      return raw.json();
    }
    if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return quote(String.valueOf(v));
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
