package org.opennexus.samgr.zktests.app;

import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * Opens whichever backend the environment selects with {@code Samgr.open()}, as an application
 * does, then registers, resolves and restarts one service, printing each outcome on a line. The
 * same compiled classes run as a named module and on the class path.
 */
public final class LayoutApp {

  private LayoutApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("app module: " + describe(LayoutApp.class.getModule()));
    System.out.println("api module: " + describe(Samgr.class.getModule()));
    System.out.println("environments: " + Samgr.environments());
    try (ServiceManager samgr = Samgr.open()) {
      System.out.println("environment: " + samgr.environment());
      System.out.println("backend module: " + describe(samgr.getClass().getModule()));
      ServiceHandle registered = samgr.register("layout", Endpoint.of("tcp://127.0.0.1:9"));
      System.out.println("registered: " + registered.name() + " at "
          + registered.endpoint().address());
      System.out.println("resolved the same handle: " + registered.equals(samgr.resolve("layout")));
      ServiceHandle restarted = samgr.restart("layout", Endpoint.of("tcp://127.0.0.1:10"));
      System.out.println("restart made a newer generation: "
          + restarted.generation().isAfter(registered.generation()));
      System.out.println("services: " + samgr.services().size());
    }
    System.out.println("closed");
  }

  private static String describe(Module module) {
    return module.isNamed() ? "named " + module.getName() : "unnamed";
  }
}
