package org.opennexus.samgr.bench;

import org.opennexus.samgr.Samgr;

/** The implementations a benchmark compares, as a JMH {@code @Param}. */
public enum Impl {
  /** The real {@code host} backend, opened with {@code Samgr.open("host")}. */
  host {
    @Override
    Registry create() {
      return new HostRegistry(Samgr.open("host"));
    }
  },
  /** The Rust original's design: one lock around a {@code HashMap}; resolve clones a handle. */
  mutex {
    @Override
    Registry create() {
      return new MutexRegistry();
    }
  },
  /** A bare {@code ConcurrentHashMap<String, ServiceHandle>}: the floor for each operation. */
  chm {
    @Override
    Registry create() {
      return new ChmRegistry();
    }
  };

  /** Opens a new, empty registry of this implementation. */
  abstract Registry create();
}
