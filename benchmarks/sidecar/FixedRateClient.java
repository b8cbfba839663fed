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
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator for the sidecar benchmark: requests are due at fixed times
 * (i / rate) and latency is measured from the time a request was due, not from when it was sent,
 * so a slow proxy cannot hide its queueing (coordinated omission). Keep-alive connections, one
 * thread each, requests assigned round-robin. Runs as a single-file program:
 *
 * <pre>java FixedRateClient.java URL BODY_FILE RATE SECONDS WARMUP_SECONDS CONNECTIONS</pre>
 *
 * Prints one line: {@code sent=N errors=E p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..}.
 */
public final class FixedRateClient {
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: FixedRateClient URL BODY_FILE RATE SECONDS WARMUP_SECONDS CONNECTIONS");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    byte[] body = Files.readAllBytes(Path.of(args[1]));
    double rate = Double.parseDouble(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    int connections = Integer.parseInt(args[5]);
    byte[] request =
        ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[request.length + body.length];
    System.arraycopy(request, 0, message, 0, request.length);
    System.arraycopy(body, 0, message, request.length, body.length);

    long total = (long) (rate * (warmup + seconds));
    long measuredFrom = (long) (rate * warmup);
    long[] latencies = new long[(int) (total - measuredFrom)];
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime() + 200_000_000L;
    double intervalNanos = 1e9 / rate;
    Thread[] threads = new Thread[connections];
    for (int c = 0; c < connections; c++) {
      int conn = c;
      threads[c] =
          new Thread(
              () -> {
                Conn socket = null;
                try {
                  for (long i = conn; i < total; i += connections) {
                    long due = start + (long) (i * intervalNanos);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    try {
                      if (socket == null) {
                        socket = connect(url);
                      }
                      socket.out.write(message);
                      socket.out.flush();
                      if (readResponse(socket.in) >= 500) {
                        errors.incrementAndGet();
                      }
                    } catch (IOException e) {
                      errors.incrementAndGet();
                      closeQuietly(socket);
                      socket = null;
                    }
                    if (i >= measuredFrom) {
                      latencies[(int) (i - measuredFrom)] = System.nanoTime() - due;
                    }
                  }
                } finally {
                  closeQuietly(socket);
                }
              });
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    Arrays.sort(latencies);
    System.out.printf(
        "sent=%d errors=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f%n",
        total,
        errors.get(),
        pct(latencies, 0.50),
        pct(latencies, 0.90),
        pct(latencies, 0.99),
        pct(latencies, 0.999),
        latencies[latencies.length - 1] / 1e3);
  }

  private static double pct(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e3;
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
  private static int readResponse(InputStream raw) throws IOException {
    InputStream in = raw;
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
