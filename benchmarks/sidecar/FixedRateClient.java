import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator for the sidecar benchmark: requests are due at fixed times
 * (i / rate) and latency is measured from the time a request was due, not from when it was sent,
 * so a slow proxy cannot hide its queueing (coordinated omission). Keep-alive connections, one
 * thread each, requests assigned round-robin. Runs as a single-file program:
 *
 * <pre>java FixedRateClient.java NAME=URL[,NAME=URL...] BODY_FILE RATE SECONDS WARMUP_SECONDS
 *     CONNECTIONS [SLICE_MS]</pre>
 *
 * <p>With several targets, time is cut into slices of SLICE_MS (default 500) and each slice's
 * requests go to one target, the targets taking turns in an order that rotates every cycle. Every
 * target is thus measured across the whole run, in the same client JVM: this machine has phases of
 * a few seconds in which everything on it runs slower (the host's other tenants), and measured one
 * after the other, a target whose turn fell in such a phase came out with a p99 tens of
 * microseconds worse, whichever target it was. Each target has its own keep-alive connections,
 * opened before the first request is due. SECONDS is the measured time in all, shared by the
 * targets; WARMUP_SECONDS come before it, interleaved the same way, and are not measured.
 *
 * <p>Each exchange is also measured from when the client sent it, and how late the client was in
 * sending it. A thread parked until a request's due time wakes on a timer (Linux lets such a sleep
 * run up to 50 µs long, its timer slack) and then waits for a core, on the same cores as the
 * servers it measures: here about 95 µs at the median, as much as the latency measured, and of the
 * slowest requests often most of their latency. A client on another machine, as in production, has
 * none of that delay; Fortio, with which Istio's published sidecar latencies were measured, times
 * each call from its actual start. So the send-time latency leaves the client's lateness out, but
 * when a connection was still busy with its previous exchange at a request's due time (the target
 * held it up), that request is counted from its due time, so a slow target still pays for the queue
 * it causes.
 *
 * <p>Prints one line per target: {@code target=NAME sent=N errors=E p50_us=.. p90_us=.. p99_us=..
 * p999_us=.. max_us=.. send_p50_us=.. send_p90_us=.. send_p99_us=.. send_p999_us=.. late_p50_us=..
 * late_p99_us=.. tail_late_pct=..}, where sent counts its measured requests, the send_ fields are
 * the send-time latencies, the late_ ones the client's lateness, and tail_late_pct the share of
 * the latency of the requests at or above the p99 that was the client's lateness. With several
 * targets, each also gets a line, printed before that one, that says where in its turns its slowest
 * requests (those at or above its p99) were due: {@code turns target=NAME slowest=K at_ms 0:a
 * 10:b ... 90:j rest:r}, counts of them due in each 10 ms of the turn's first 100 ms and after. A
 * target whose count bunches in one window is held up by something that happens at that offset in
 * its turns (for the sidecar: the produce round trip of the batch its capture began a linger
 * before, see docs/operations.md).
 */
public final class FixedRateClient {
  public static void main(String[] args) throws Exception {
    if (args.length != 6 && args.length != 7) {
      System.err.println(
          "usage: FixedRateClient NAME=URL[,NAME=URL...] BODY_FILE RATE SECONDS WARMUP_SECONDS"
              + " CONNECTIONS [SLICE_MS]");
      System.exit(2);
    }
    List<String> names = new ArrayList<>();
    List<URI> urls = new ArrayList<>();
    for (String target : args[0].split(",")) {
      int eq = target.indexOf('=');
      if (eq <= 0) {
        System.err.println("FixedRateClient: a target is NAME=URL, not: " + target);
        System.exit(2);
      }
      names.add(target.substring(0, eq));
      urls.add(URI.create(target.substring(eq + 1)));
    }
    byte[] body = Files.readAllBytes(Path.of(args[1]));
    double rate = Double.parseDouble(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    int connections = Integer.parseInt(args[5]);
    long sliceNanos = (args.length == 7 ? Long.parseLong(args[6]) : 500) * 1_000_000L;
    int targets = urls.size();
    byte[][] messages = new byte[targets][];
    for (int t = 0; t < targets; t++) {
      messages[t] = message(urls.get(t), body);
    }

    long total = (long) (rate * (warmup + seconds));
    long measuredFrom = (long) (rate * warmup);
    // Per request: its latency (a failed one's too, as it cost the caller that long), the target
    // it went to, and whether it failed.
    long[] latencies = new long[(int) total];
    // The same exchange measured from when it was sent (see the class comment), and how late the
    // client itself was in sending it.
    long[] fromSend = new long[(int) total];
    long[] lateness = new long[(int) total];
    byte[] targetOf = new byte[(int) total];
    boolean[] failed = new boolean[(int) total];
    Schedule schedule = new Schedule(1e9 / rate, measuredFrom, sliceNanos, targets);
    Conn[][] sockets = new Conn[connections][targets];
    for (int c = 0; c < connections; c++) {
      for (int t = 0; t < targets; t++) {
        try {
          sockets[c][t] = connect(urls.get(t));
        } catch (IOException e) {
          sockets[c][t] = null; // tried again at its first request, and counted if it fails then
        }
      }
    }
    long start = System.nanoTime() + 200_000_000L;
    Thread[] threads = new Thread[connections];
    for (int c = 0; c < connections; c++) {
      Conn[] mine = sockets[c];
      int conn = c;
      threads[c] =
          new Thread(
              () -> {
                try {
                  long previousDone = Long.MIN_VALUE;
                  for (long i = conn; i < total; i += connections) {
                    int t = schedule.target(i);
                    long due = start + schedule.offsetNanos(i);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    long sentAt = System.nanoTime();
                    boolean ok;
                    try {
                      if (mine[t] == null) {
                        mine[t] = connect(urls.get(t));
                      }
                      mine[t].out.write(messages[t]);
                      mine[t].out.flush();
                      ok = readResponse(mine[t].in) < 500;
                    } catch (IOException e) {
                      ok = false;
                      closeQuietly(mine[t]);
                      mine[t] = null;
                    }
                    long done = System.nanoTime();
                    latencies[(int) i] = done - due;
                    lateness[(int) i] = sentAt - due;
                    // Held up past its due time by this connection's previous exchange: the
                    // target's doing, so counted from the due time; else from when it went out.
                    fromSend[(int) i] = done - (previousDone > due ? due : sentAt);
                    previousDone = done;
                    failed[(int) i] = !ok;
                    targetOf[(int) i] = (byte) t;
                  }
                } finally {
                  for (Conn s : mine) {
                    closeQuietly(s);
                  }
                }
              });
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    for (int t = 0; t < targets; t++) {
      long[] mine = new long[(int) (total - measuredFrom)];
      long[] mineFromSend = new long[mine.length];
      long[] mineLate = new long[mine.length];
      long[] offsetInTurn = new long[mine.length];
      int n = 0;
      long errors = 0;
      for (long i = measuredFrom; i < total; i++) {
        if (targetOf[(int) i] != t) {
          continue;
        }
        if (failed[(int) i]) {
          errors++;
        }
        offsetInTurn[n] = schedule.offsetInTurnNanos(i);
        mineFromSend[n] = fromSend[(int) i];
        mineLate[n] = lateness[(int) i];
        mine[n++] = latencies[(int) i];
      }
      long[] sorted = sortedCopy(mine, n);
      long p99 = n == 0 ? 0 : quantileNanos(sorted, 0.99);
      if (targets > 1 && n > 0) {
        printTurns(names.get(t), mine, offsetInTurn, n, p99);
      }
      long[] sortedFromSend = sortedCopy(mineFromSend, n);
      long[] sortedLate = sortedCopy(mineLate, n);
      double tailLatency = 0;
      double tailLate = 0;
      for (int k = 0; k < n; k++) {
        if (mine[k] >= p99) {
          tailLatency += mine[k];
          tailLate += mineLate[k];
        }
      }
      System.out.printf(
          "target=%s sent=%d errors=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f"
              + " max_us=%.1f send_p50_us=%.1f send_p90_us=%.1f send_p99_us=%.1f"
              + " send_p999_us=%.1f late_p50_us=%.1f late_p99_us=%.1f tail_late_pct=%.0f%n",
          names.get(t),
          n,
          errors,
          pct(sorted, 0.50),
          pct(sorted, 0.90),
          pct(sorted, 0.99),
          pct(sorted, 0.999),
          n == 0 ? 0.0 : sorted[n - 1] / 1e3,
          pct(sortedFromSend, 0.50),
          pct(sortedFromSend, 0.90),
          pct(sortedFromSend, 0.99),
          pct(sortedFromSend, 0.999),
          pct(sortedLate, 0.50),
          pct(sortedLate, 0.99),
          tailLatency > 0 ? 100 * tailLate / tailLatency : 0.0);
    }
  }

  /**
   * When each request is due and to which target it goes: request i is due i intervals after the
   * start; time is cut into slices, each slice's requests go to one target, and the targets' order
   * rotates by one every cycle. Slices count from the start of the measured time (request {@code
   * measuredFrom}, the first after the warm-up), so that it holds whole cycles and every target as
   * many requests (warm-up slices are negative).
   */
  private record Schedule(double intervalNanos, long measuredFrom, long sliceNanos, int targets) {
    /** Nanoseconds from the start to request i's due time. */
    long offsetNanos(long i) {
      return (long) (i * intervalNanos);
    }

    /** Nanoseconds from the start of the measured time to request i's due time. */
    private long measuredOffsetNanos(long i) {
      return offsetNanos(i) - offsetNanos(measuredFrom);
    }

    /** The target of request i. */
    int target(long i) {
      long slice = Math.floorDiv(measuredOffsetNanos(i), sliceNanos);
      return (int) Math.floorMod(slice + Math.floorDiv(slice, targets), targets);
    }

    /** How far into its target's turn request i is due. */
    long offsetInTurnNanos(long i) {
      return Math.floorMod(measuredOffsetNanos(i), sliceNanos);
    }
  }

  /** The {@code turns} line: where in the turns the requests at or above p99 were due. */
  private static void printTurns(
      String name, long[] latencies, long[] offsetInTurn, int n, long p99) {
    int[] bins = new int[11]; // 10 ms each over the first 100 ms, then the rest of the turn
    int slowest = 0;
    for (int i = 0; i < n; i++) {
      if (latencies[i] >= p99) {
        slowest++;
        bins[(int) Math.min(10, offsetInTurn[i] / 10_000_000L)]++;
      }
    }
    StringBuilder line =
        new StringBuilder("turns target=" + name + " slowest=" + slowest + " at_ms");
    for (int b = 0; b < 10; b++) {
      line.append(' ').append(b * 10).append(':').append(bins[b]);
    }
    System.out.println(line.append(" rest:").append(bins[10]));
  }

  private static byte[] message(URI url, byte[] body) {
    byte[] head =
        ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[head.length + body.length];
    System.arraycopy(head, 0, message, 0, head.length);
    System.arraycopy(body, 0, message, head.length, body.length);
    return message;
  }

  /** The first n values, sorted. */
  private static long[] sortedCopy(long[] values, int n) {
    long[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    return sorted;
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return quantileNanos(sorted, q) / 1e3;
  }

  /** The q-quantile of a non-empty sorted array of latencies, in nanoseconds. */
  private static long quantileNanos(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  private static Conn connect(URI url) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 2000);
    s.setSoTimeout(10_000);
    return new Conn(s, new BufferedInputStream(s.getInputStream(), 16 * 1024), s.getOutputStream());
  }

  /** A keep-alive connection with buffered input, so header parsing is not a syscall per byte. */
  private record Conn(Socket socket, InputStream in, OutputStream out) {}

  /** Reads one response (Content-Length or chunked body); returns its status. */
  private static int readResponse(InputStream in) throws IOException {
    String status = line(in);
    if (status == null || status.length() < 12) {
      throw new IOException("no status line");
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
        skip(in, size);
        line(in);
      }
      line(in);
    } else if (length > 0) {
      skip(in, length);
    }
    return code;
  }

  private static void skip(InputStream in, long n) throws IOException {
    while (n > 0) {
      long k = in.skip(n);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new IOException("eof in body");
        }
        k = 1;
      }
      n -= k;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) b);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static void closeQuietly(Conn c) {
    if (c != null) {
      try {
        c.socket().close();
      } catch (IOException ignored) {
        // closing a broken connection
      }
    }
  }
}
