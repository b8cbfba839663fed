package io.driftwatch.sidecar;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP/1.1 client for the tests. */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Http() {}

  static HttpResponse<byte[]> post(URI base, String path, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<byte[]> get(URI base, String path) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static URI local(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A KServe v2 request with one FP32 feature {@code x} of {@code rows} rows. */
  static byte[] infer(String id, int rows) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      data.append(i == 0 ? "" : ",").append(i + 0.5);
    }
    return StubModelServer.bytes(
        "{\"id\":\""
            + id
            + "\",\"inputs\":[{\"name\":\"x\",\"shape\":["
            + rows
            + "],\"datatype\":\"FP32\",\"data\":["
            + data
            + "]},{\"name\":\"city\",\"shape\":["
            + rows
            + ",1],\"datatype\":\"BYTES\",\"data\":["
            + "\"Paris\",".repeat(rows - 1)
            + "\"Paris\"]}]}");
  }
}
