package org.opennexus.samgr.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A whole HTTP reply of an {@link HttpRoute}: status, {@code Content-Type} and body. */
final class HttpReply {
  private final int status;
  private final String contentType;
  private final byte[] body;

  /**
   * A reply.
   *
   * @param status the status code
   * @param contentType the {@code Content-Type}, with its charset for text
   * @param body the body (copied; not sent for {@code HEAD})
   */
  HttpReply(int status, String contentType, byte[] body) {
    this.status = status;
    this.contentType = contentType;
    this.body = body.clone();
  }

  /** A plain-text reply in UTF-8. */
  static HttpReply text(int status, String text) {
    return new HttpReply(
        status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  int status() {
    return status;
  }

  String contentType() {
    return contentType;
  }

  int length() {
    return body.length;
  }

  /** The body, read-only. */
  ByteBuffer body() {
    return ByteBuffer.wrap(body).asReadOnlyBuffer();
  }
}
