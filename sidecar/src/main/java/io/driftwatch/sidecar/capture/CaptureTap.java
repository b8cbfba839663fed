package io.driftwatch.sidecar.capture;

import java.util.List;

/**
 * The capture policy the proxy consults on its event loop: which requests to capture (a parser
 * claims them and the sampler keeps them, or they fail), how many body bytes to keep, and where
 * finished exchanges go. Every method is non-blocking.
 */
public final class CaptureTap {
  private final List<ExchangeParser> parsers;
  private final Sampler sampler;
  private final int maxCaptureBytes;
  private final CaptureQueue queue;
  private final CaptureStats stats;

  public CaptureTap(
      List<ExchangeParser> parsers,
      Sampler sampler,
      int maxCaptureBytes,
      CaptureQueue queue,
      CaptureStats stats) {
    this.parsers = List.copyOf(parsers);
    this.sampler = sampler;
    this.maxCaptureBytes = maxCaptureBytes;
    this.queue = queue;
    this.stats = stats;
  }

  /**
   * Whether a request is an inference call to capture. Null for requests no parser reads (health,
   * metadata). A request that is not sampled is still teed: an error response is captured anyway.
   *
   * <p>When the queue is full as the request begins, the decision is {@linkplain Decision#shed()
   * shed}: the proxy copies nothing of it, and {@link #shed} counts it dropped ({@code queue_full})
   * if it would have been captured. Under overload the queue stays full, and copying the bodies of
   * exchanges that are then refused cost the event loops an allocation and a copy per request and
   * the collector the copying of a full queue, for nothing.
   */
  public Decision decide(String method, String path, String predictionId) {
    for (ExchangeParser parser : parsers) {
      if (parser.matches(method, path)) {
        return new Decision(parser, sampler.sampled(predictionId), sampler.weight(), queue.full());
      }
    }
    return null;
  }

  /** The most bytes of each body to keep. */
  public int maxCaptureBytes() {
    return maxCaptureBytes;
  }

  /** Queues a finished exchange, or counts it dropped when the queue is full. Never blocks. */
  public void offer(Exchange exchange) {
    if (!queue.offer(exchange)) {
      stats.captured(1);
      stats.dropped(DropReason.QUEUE_FULL, 1);
    }
  }

  /**
   * Counts an exchange of a {@linkplain Decision#shed() shed} decision that would have been
   * captured: dropped because the queue was full.
   */
  public void shed() {
    stats.captured(1);
    stats.dropped(DropReason.QUEUE_FULL, 1);
  }

  /**
   * How to capture one request.
   *
   * @param parser the protocol reader that claimed the request
   * @param sampled whether a successful response is captured (errors always are)
   * @param weight the sampling weight of a sampled success
   * @param shed whether the queue was full when the request began: no body is copied, and an
   *     exchange that {@linkplain #captures captures} is counted with {@link CaptureTap#shed}
   */
  public record Decision(ExchangeParser parser, boolean sampled, double weight, boolean shed) {
    /** A decision made while the queue had room. */
    public Decision(ExchangeParser parser, boolean sampled, double weight) {
      this(parser, sampled, weight, false);
    }

    /** Whether the exchange is captured once its status is known. */
    public boolean captures(int status) {
      return sampled || isError(status);
    }

    /** Whether the exchange is handed on to become records: captured, and not shed. */
    public boolean records(int status) {
      return !shed && captures(status);
    }

    /** The sampling weight of an exchange with this status: errors are never sampled away. */
    public double weightFor(int status) {
      return isError(status) ? 1.0 : weight;
    }

    static boolean isError(int status) {
      return status >= 400;
    }
  }
}
