package org.opennexus.samgr.verification;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what samgr logs to its {@code org.opennexus.samgr} logger (java.util.logging backs
 * {@link System.Logger} on the class path) while it is open, instead of printing it.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger = Logger.getLogger("org.opennexus.samgr");
  private final boolean parentHandlers = logger.getUseParentHandlers();
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (records) {
            records.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  /** Starts capturing. */
  public LogCapture() {
    logger.addHandler(handler);
    logger.setUseParentHandlers(false);
  }

  /**
   * Returns the records logged so far.
   *
   * @return a copy of the records, in the order they were logged
   */
  public List<LogRecord> records() {
    synchronized (records) {
      return List.copyOf(records);
    }
  }

  /** Stops capturing. */
  @Override
  public void close() {
    logger.setUseParentHandlers(parentHandlers);
    logger.removeHandler(handler);
  }
}
