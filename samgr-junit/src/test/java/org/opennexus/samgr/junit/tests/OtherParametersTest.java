package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrTest;

/** Parameters of other types are left to other resolvers, so they combine with the extension. */
@SamgrTest
@ExtendWith(OtherParametersTest.InstantSourceResolver.class)
class OtherParametersTest {

  /** Resolves {@link InstantSource}, which the samgr extension must leave alone. */
  static final class InstantSourceResolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == InstantSource.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return Clock.systemUTC();
    }
  }

  @Test
  void otherResolversSupplyOtherTypes(ServiceManager samgr, InstantSource source, TestInfo info) {
    assertEquals("host", samgr.environment());
    assertEquals(Clock.systemUTC(), source);
    assertEquals(
        "otherResolversSupplyOtherTypes(ServiceManager, InstantSource, TestInfo)",
        info.getDisplayName());
  }
}
