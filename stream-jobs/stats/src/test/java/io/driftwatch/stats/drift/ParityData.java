package io.driftwatch.stats.drift;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parity fixtures under {@code src/test/resources/parity/} (written by {@code
 * src/test/python/generate_parity_fixtures.py}) and regenerates their data sets bit for bit: the
 * generator below mirrors the script's LCG and uses only exact IEEE operations.
 */
public final class ParityData {

  /** One {@code [kind name]} block of {@code key = value} lines. */
  public record Section(String kind, String name, Map<String, String> fields) {
    public String get(String key) {
      String v = fields.get(key);
      if (v == null) {
        throw new IllegalStateException(name + ": no " + key);
      }
      return v;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private ParityData() {}

  public static List<Section> sections(String resource) {
    List<Section> out = new ArrayList<>();
    try (InputStream in = ParityData.class.getResourceAsStream("/parity/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture /parity/" + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      String kind = null;
      String name = null;
      Map<String, String> fields = null;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        if (line.startsWith("[")) {
          if (fields != null) {
            out.add(new Section(kind, name, fields));
          }
          String[] head = line.substring(1, line.length() - 1).split(" ", 2);
          kind = head[0];
          name = head[1];
          fields = new LinkedHashMap<>();
        } else {
          int eq = line.indexOf(" = ");
          fields.put(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
        }
      }
      if (fields != null) {
        out.add(new Section(kind, name, fields));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public static List<String> lines(String resource) {
    List<String> out = new ArrayList<>();
    try (InputStream in = ParityData.class.getResourceAsStream("/parity/" + resource)) {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("#") && !line.isBlank()) {
          out.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** A number as Python's repr writes it; "none" is NaN. */
  public static double number(String s) {
    return switch (s) {
      case "none", "nan" -> Double.NaN;
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  public static double[] numbers(String pipeSeparated) {
    String[] p = pipeSeparated.split("\\|");
    double[] v = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      v[i] = number(p[i]);
    }
    return v;
  }

  /** The sample a spec describes, typed like the fixture says. */
  public static ColumnSample sample(String spec, String type) {
    Object data = generate(spec);
    if (data instanceof double[] d) {
      return type.equals("numerical") ? ColumnSample.numerical(d) : ColumnSample.categorical(d);
    }
    return ColumnSample.categorical((String[]) data);
  }

  /**
   * Evaluates a data spec: {@code values …}, {@code labels …}, {@code counts …} or {@code gen …}.
   */
  public static Object generate(String spec) {
    String[] kindRest = spec.split(" ", 2);
    String rest = kindRest.length > 1 ? kindRest[1] : "";
    switch (kindRest[0]) {
      case "values":
        return numbers(rest);
      case "labels":
        return rest.split("\\|", -1);
      case "counts":
        {
          List<String> out = new ArrayList<>();
          for (String item : rest.split("\\|")) {
            String[] kc = item.split("=");
            for (int i = 0; i < Integer.parseInt(kc[1]); i++) {
              out.add(kc[0]);
            }
          }
          return out.toArray(new String[0]);
        }
      case "gen":
        return gen(rest);
      default:
        throw new IllegalArgumentException(spec);
    }
  }

  private static Object gen(String rest) {
    String[] parts = rest.split(" ");
    String dist = parts[0];
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      args.put(kv[0], kv[1]);
    }
    Lcg rng = new Lcg(Long.parseLong(args.get("seed")));
    int n = Integer.parseInt(args.get("n"));
    switch (dist) {
      case "normal":
        {
          double loc = Double.parseDouble(args.get("loc"));
          double scale = Double.parseDouble(args.get("scale"));
          double[] out = new double[n];
          for (int i = 0; i < n; i++) {
            double s = rng.uniform();
            s = s + rng.uniform();
            s = s + rng.uniform();
            s = s + rng.uniform();
            out[i] = (s - 2.0) * scale + loc;
          }
          return out;
        }
      case "square":
        {
          double lo = Double.parseDouble(args.get("lo"));
          double hi = Double.parseDouble(args.get("hi"));
          double[] out = new double[n];
          for (int i = 0; i < n; i++) {
            double u = rng.uniform();
            out[i] = lo + (hi - lo) * (u * u);
          }
          return out;
        }
      case "int":
        {
          long lo = Long.parseLong(args.get("lo"));
          long hi = Long.parseLong(args.get("hi"));
          double[] out = new double[n];
          for (int i = 0; i < n; i++) {
            out[i] = lo + Long.remainderUnsigned(rng.nextU64() >>> 33, hi - lo + 1);
          }
          return out;
        }
      case "cat":
        {
          String[] labels = args.get("labels").split("\\|");
          double[] weights = numbers(args.get("weights"));
          double[] cum = new double[weights.length];
          double acc = 0.0;
          for (int i = 0; i < weights.length; i++) {
            acc = acc + weights[i];
            cum[i] = acc;
          }
          String[] out = new String[n];
          for (int i = 0; i < n; i++) {
            double u = rng.uniform();
            int idx = labels.length - 1;
            for (int c = 0; c < cum.length; c++) {
              if (u < cum[c]) {
                idx = c;
                break;
              }
            }
            out[i] = labels[idx];
          }
          return out;
        }
      default:
        throw new IllegalArgumentException(rest);
    }
  }

  /** Knuth's MMIX LCG, as in the Python script. */
  static final class Lcg {
    private long x;

    Lcg(long seed) {
      x = seed * 0x9E3779B97F4A7C15L + 1;
    }

    long nextU64() {
      x = x * 6364136223846793005L + 1442695040888963407L;
      return x;
    }

    double uniform() {
      return (nextU64() >>> 11) * 0x1.0p-53;
    }
  }
}
