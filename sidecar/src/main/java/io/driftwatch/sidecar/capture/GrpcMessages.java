package io.driftwatch.sidecar.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a captured gRPC body into its messages. On the wire each message is a 1-byte compressed
 * flag (0 or 1), a 4-byte big-endian length, then that many bytes; HTTP/2 DATA frames cut this
 * stream anywhere, so the proxy keeps the bytes in arrival order and the split happens here, on the
 * capture worker. A body cut by the capture limit yields the whole messages before the cut and
 * {@link Split#incomplete()}.
 */
final class GrpcMessages {
  /** The prefix before each message: the compressed flag and the length. */
  static final int PREFIX_BYTES = 5;

  private GrpcMessages() {}

  /**
   * One gRPC message.
   *
   * @param compressed whether the message is compressed with the call's {@code grpc-encoding}
   * @param bytes the message as sent (compressed when {@code compressed})
   */
  record Message(boolean compressed, byte[] bytes) {}

  /**
   * The messages of a body.
   *
   * @param messages the whole messages, in order
   * @param incomplete whether bytes after them began a message that the body does not hold whole
   * @param error why the bytes after the messages are not gRPC framing; empty when they are
   */
  record Split(List<Message> messages, boolean incomplete, String error) {
    Split {
      messages = List.copyOf(messages);
    }
  }

  /**
   * Splits {@code body}. Never throws: a flag other than 0 or 1 ends the split with an error.
   *
   * @param maxMessages the most messages returned; the rest of the body is ignored
   */
  static Split split(byte[] body, int maxMessages) {
    List<Message> out = new ArrayList<>();
    int at = 0;
    while (at < body.length && out.size() < maxMessages) {
      if (body.length - at < PREFIX_BYTES) {
        return new Split(out, true, "");
      }
      int flag = body[at] & 0xff;
      if (flag > 1) {
        return new Split(out, false, "byte " + at + " is not a gRPC message prefix");
      }
      long length =
          ((body[at + 1] & 0xffL) << 24)
              | ((body[at + 2] & 0xffL) << 16)
              | ((body[at + 3] & 0xffL) << 8)
              | (body[at + 4] & 0xffL);
      long end = (long) at + PREFIX_BYTES + length;
      if (end > body.length) {
        return new Split(out, true, "");
      }
      out.add(new Message(flag == 1, Arrays.copyOfRange(body, at + PREFIX_BYTES, (int) end)));
      at = (int) end;
    }
    return new Split(out, false, "");
  }
}
