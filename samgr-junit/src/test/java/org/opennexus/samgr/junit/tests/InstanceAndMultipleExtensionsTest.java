package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.junit.SamgrExtension;

/** Instance-field registration, and two extensions in one test, each with its own registry. */
class InstanceAndMultipleExtensionsTest {

  @RegisterExtension
  final SamgrExtension host = SamgrExtension.builder().environment("host").build();

  @RegisterExtension final SamgrExtension os = SamgrExtension.builder().environment("os").build();

  @RegisterExtension
  final SamgrExtension otherHost = SamgrExtension.builder().environment("host").build();

  @Test
  void eachExtensionServesItsOwnRegistry() throws SamgrError {
    assertEquals("host", host.manager().environment());
    assertEquals("os", os.manager().environment());
    assertNotSame(host.manager(), otherHost.manager());
    assertNotSame(host.clock(), otherHost.clock());

    host.manager().register("svc", Endpoint.of("tcp://127.0.0.1:7000"));
    assertEquals(List.of(), otherHost.manager().services());
  }
}
