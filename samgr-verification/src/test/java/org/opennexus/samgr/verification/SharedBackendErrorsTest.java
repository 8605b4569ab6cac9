package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.SamgrError;

/** The two cases only shared backends throw: what they carry and what their messages say. */
class SharedBackendErrorsTest {

  @Test
  void unavailableCarriesOperationEnvironmentAndCause() {
    IOException cause = new IOException("connection loss");
    SamgrError.Unavailable e = new SamgrError.Unavailable("register", "zookeeper", cause);
    assertEquals("register", e.operation());
    assertEquals("zookeeper", e.environment());
    assertSame(cause, e.getCause());
    assertEquals(
        "operation 'register' could not reach the engine of the 'zookeeper' samgr backend within"
            + " its timeout; whether a change took effect is unknown (resolve to find out)",
        e.getMessage());
    SamgrError.Unavailable plain = new SamgrError.Unavailable("resolve", "zk");
    assertNull(plain.getCause());
    assertEquals("resolve", plain.operation());
    assertEquals("zk", plain.environment());
    assertEquals("could not reach the engine within its timeout", e.reason());
    assertEquals("could not reach the engine within its timeout", plain.reason());
  }

  @Test
  void unavailableWithAReasonSaysWhatWasFound() {
    IOException cause = new IOException("EOF");
    SamgrError.Unavailable e =
        new SamgrError.Unavailable(
            "resolve", "zookeeper", "the record of 'svc' is unreadable; nothing changed", cause);
    assertEquals("resolve", e.operation());
    assertEquals("zookeeper", e.environment());
    assertEquals("the record of 'svc' is unreadable; nothing changed", e.reason());
    assertSame(cause, e.getCause());
    assertEquals(
        "operation 'resolve' of the 'zookeeper' samgr backend failed: the record of 'svc' is"
            + " unreadable; nothing changed",
        e.getMessage());
    SamgrError.Unavailable plain = new SamgrError.Unavailable("register", "zk", "too big", null);
    assertNull(plain.getCause());
    assertEquals(
        "operation 'register' of the 'zk' samgr backend failed: too big", plain.getMessage());
  }

  @Test
  @SuppressWarnings("NullAway") // nulls on purpose
  void aReasonMustSaySomething() {
    assertEquals(
        "reason must not be blank",
        assertThrows(
                IllegalArgumentException.class,
                () -> new SamgrError.Unavailable("register", "zk", " ", null))
            .getMessage());
    assertEquals(
        "reason must not be null",
        assertThrows(
                NullPointerException.class,
                () -> new SamgrError.Unavailable("register", "zk", null, null))
            .getMessage());
  }

  @Test
  void unavailableFromAnInterruptSaysSo() {
    InterruptedException cause = new InterruptedException();
    SamgrError.Unavailable e = new SamgrError.Unavailable("restart", "zookeeper", cause);
    assertSame(cause, e.getCause());
    assertEquals("restart", e.operation());
    assertEquals("interrupted before it completed", e.reason());
    assertEquals(
        "operation 'restart' of the 'zookeeper' samgr backend was interrupted before it"
            + " completed; whether a change took effect is unknown (resolve to find out)",
        e.getMessage());
  }

  @Test
  void deniedCarriesOperationEnvironmentAndCause() {
    IOException cause = new IOException("NoAuth");
    SamgrError.Denied e = new SamgrError.Denied("restart", "zookeeper", cause);
    assertEquals("restart", e.operation());
    assertEquals("zookeeper", e.environment());
    assertSame(cause, e.getCause());
    assertEquals(
        "operation 'restart' was denied by the engine of the 'zookeeper' samgr backend to these"
            + " credentials",
        e.getMessage());
    SamgrError.Denied plain = new SamgrError.Denied("unregister", "zk");
    assertNull(plain.getCause());
    assertEquals("unregister", plain.operation());
    assertEquals("zk", plain.environment());
  }

  @Test
  @SuppressWarnings("NullAway") // nulls on purpose
  void nullsAreRejectedNamingTheParameter() {
    assertEquals(
        "operation must not be null",
        assertThrows(NullPointerException.class, () -> new SamgrError.Unavailable(null, "zk"))
            .getMessage());
    assertEquals(
        "environment must not be null",
        assertThrows(NullPointerException.class, () -> new SamgrError.Denied("x", null))
            .getMessage());
    assertEquals(
        "cause must not be null",
        assertThrows(NullPointerException.class, () -> new SamgrError.Unavailable("x", "zk", null))
            .getMessage());
    assertEquals(
        "cause must not be null",
        assertThrows(NullPointerException.class, () -> new SamgrError.Denied("x", "zk", null))
            .getMessage());
  }
}
