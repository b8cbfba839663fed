package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void splitsEventsAsTheSpecificationDispatchesThem() {
    String stream =
        ": ping\n\n"
            + "event: message\ndata: {\"a\":1}\n\n"
            + "data:first\r\ndata: second\r\n\r\n"
            + "id: 7\nretry: 100\n\n"
            + "data: [DONE]\n\n"
            + "data: still open";
    byte[] bytes = b(stream);
    List<String> data = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    int n =
        SseEvents.read(
            bytes,
            0,
            bytes.length,
            1000,
            (d, end) -> {
              data.add(d);
              ends.add(end);
            });
    assertThat(n).isEqualTo(3);
    assertThat(data).containsExactly("{\"a\":1}", "first\nsecond", "[DONE]");
    assertThat(ends.get(0)).isEqualTo(1000 + stream.indexOf("}\n\n") + 2);
    assertThat(bytes[(int) (ends.get(1) - 1000)]).isEqualTo((byte) '\n');
  }

  @Test
  void findsTheFirstWholeEventInBytesThatStartMidEvent() {
    byte[] tail = b("ent\":\"x\"}}\n\ndata: {\"b\":2}\n\n");
    int start = SseEvents.firstBoundary(tail, 0, tail.length);
    List<String> data = new ArrayList<>();
    SseEvents.read(tail, start, tail.length, 0, (d, end) -> data.add(d));
    assertThat(data).containsExactly("{\"b\":2}");
    assertThat(SseEvents.firstBoundary(b("no boundary\n here"), 0, 17)).isEqualTo(17);
    assertThat(SseEvents.firstBoundary(b("x\r\n\r\ndata: y"), 0, 12)).isEqualTo(5);
  }
}
