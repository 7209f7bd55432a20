package io.circuitstream.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests.
 *
 * <p>It checks the grammar of every line ({@code # HELP}, {@code # TYPE}, samples
 * {@code name{label="value",...} value [timestamp]}) and that a family's {@code TYPE} comes once and
 * before its samples, and fails with the offending line otherwise.
 */
public final class PrometheusText {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern NUMBER = Pattern.compile(
      "[+-]?(?:Inf|NaN|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A parsed exposition: samples in order and the declared type per family. */
  public record Exposition(List<Sample> samples, Map<String, String> types, Map<String, String> help) {
    /**
     * Returns the value of the one sample with this name and these labels.
     *
     * @param name the sample name
     * @param labels alternating label names and values; must be all the sample's labels
     * @throws AssertionError if there is no such sample
     */
    public double value(String name, String... labels) {
      Map<String, String> wanted = new LinkedHashMap<>();
      for (int i = 0; i < labels.length; i += 2) {
        wanted.put(labels[i], labels[i + 1]);
      }
      return samples.stream()
          .filter(s -> s.name().equals(name) && s.labels().equals(wanted))
          .mapToDouble(Sample::value)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no sample " + name + wanted));
    }

    /** Returns the samples with this name. */
    public List<Sample> named(String name) {
      return samples.stream().filter(s -> s.name().equals(name)).toList();
    }
  }

  private PrometheusText() {}

  /**
   * Parses and checks an exposition.
   *
   * @throws AssertionError naming the line if any line breaks the grammar
   */
  public static Exposition parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("exposition must end with a newline");
    }
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    Map<String, String> help = new HashMap<>();
    Set<String> familiesWithSamples = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length - 1; n++) {
      String line = lines[n];
      String where = "line " + (n + 1) + " '" + line + "': ";
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && parts[0].equals("#") && parts[1].equals("HELP")) {
          requireName(parts[2], where);
          if (help.put(parts[2], parts.length == 4 ? parts[3] : "") != null) {
            throw new AssertionError(where + "second HELP for " + parts[2]);
          }
        } else if (parts.length >= 3 && parts[0].equals("#") && parts[1].equals("TYPE")) {
          requireName(parts[2], where);
          if (parts.length != 4 || !TYPES.contains(parts[3])) {
            throw new AssertionError(where + "TYPE must be one of " + TYPES);
          }
          if (types.put(parts[2], parts[3]) != null) {
            throw new AssertionError(where + "second TYPE for " + parts[2]);
          }
          if (familiesWithSamples.contains(parts[2])) {
            throw new AssertionError(where + "TYPE after samples of " + parts[2]);
          }
        }
        continue; // any other # line is a comment
      }
      Sample sample = parseSample(line, where);
      samples.add(sample);
      familiesWithSamples.add(sample.name());
      for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created", "_info")) {
        if (sample.name().endsWith(suffix)) {
          familiesWithSamples.add(sample.name().substring(0, sample.name().length() - suffix.length()));
        }
      }
    }
    return new Exposition(List.copyOf(samples), Map.copyOf(types), Map.copyOf(help));
  }

  private static Sample parseSample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    requireName(name, where);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw new AssertionError(where + "label without '='");
        }
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches()) {
          throw new AssertionError(where + "bad label name '" + label + "'");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw new AssertionError(where + "label value must be quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; ; j++) {
          if (j >= line.length()) {
            throw new AssertionError(where + "unterminated label value");
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char e = line.charAt(++j);
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new AssertionError(where + "bad escape \\" + e);
            }
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw new AssertionError(where + "label " + label + " twice");
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new AssertionError(where + "expected ',' or '}' after a label");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new AssertionError(where + "expected a space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2 || !NUMBER.matcher(rest[0]).matches()) {
      throw new AssertionError(where + "expected 'value [timestamp]'");
    }
    if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
      throw new AssertionError(where + "timestamp must be an integer");
    }
    return new Sample(name, Map.copyOf(labels), number(rest[0]));
  }

  private static double number(String s) {
    return switch (s) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN", "+NaN", "-NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  private static void requireName(String name, String where) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new AssertionError(where + "bad metric name '" + name + "'");
    }
  }
}
