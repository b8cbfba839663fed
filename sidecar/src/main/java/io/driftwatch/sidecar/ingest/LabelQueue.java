package io.driftwatch.sidecar.ingest;

import io.driftwatch.schema.v1.LabelRecord;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded hand-off from the labels endpoint to the label worker. A request's labels are taken
 * all together or not at all, so a client that gets a 503 can retry the whole body.
 */
final class LabelQueue {
  private final ArrayBlockingQueue<LabelRecord> queue;
  private boolean closed;

  /**
   * @param capacity at most this many labels wait
   */
  LabelQueue(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** What became of an offer. */
  enum Offer {
    ACCEPTED,
    FULL,
    CLOSED
  }

  /** Adds every label, or none when they do not all fit or the queue is closed. Never blocks. */
  synchronized Offer offerAll(List<LabelRecord> labels) {
    if (closed) {
      return Offer.CLOSED;
    }
    // Only this method adds and it holds the lock, so the room checked cannot shrink before adding.
    if (queue.remainingCapacity() < labels.size()) {
      return Offer.FULL;
    }
    queue.addAll(labels);
    return Offer.ACCEPTED;
  }

  /** Refuses every later offer; what is queued stays to be taken. */
  synchronized void close() {
    closed = true;
  }

  LabelRecord poll(long timeout, TimeUnit unit) throws InterruptedException {
    return queue.poll(timeout, unit);
  }

  LabelRecord poll() {
    return queue.poll();
  }

  /** Labels waiting now. */
  int size() {
    return queue.size();
  }
}
