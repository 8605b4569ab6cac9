package org.opennexus.samgr.bench;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.spi.Arguments;

/**
 * The baseline built the way the Rust original is: one lock ({@code Mutex<HashMap>}) around a map
 * of mutable records and a generation counter. {@code resolve} clones a handle out of the record
 * under the lock, as the Rust {@code resolve} clones its {@code ServiceHandle}. It is charitable to
 * the original: Java strings are immutable, so the clone shares the name and endpoint instead of
 * copying them. Arguments are checked by the same rules as {@code host}.
 */
final class MutexRegistry implements Registry {

  /** A service's mutable record; guarded by the lock. */
  private static final class ServiceRecord {
    final String name;
    Endpoint endpoint;
    long generation;

    @SuppressWarnings("UnusedVariable") // written only: the liveness write is what is measured
    long lastBeat;

    ServiceRecord(String name, Endpoint endpoint, long generation, long now) {
      this.name = name;
      this.endpoint = endpoint;
      this.generation = generation;
      this.lastBeat = now;
    }

    ServiceHandle cloneHandle() {
      return new ServiceHandle(name, endpoint, new Generation(generation));
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final HashMap<String, ServiceRecord> records = new HashMap<>(); // guarded by lock
  private final InstantSource clock = InstantSource.system();
  private long lastGeneration; // guarded by lock

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    Arguments.requireName(name);
    Arguments.requireNonNull(endpoint, "endpoint");
    lock.lock();
    try {
      if (records.containsKey(name)) {
        throw new SamgrError.Duplicate(name);
      }
      ServiceRecord record = new ServiceRecord(name, endpoint, ++lastGeneration, clock.millis());
      records.put(name, record);
      return record.cloneHandle();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    Arguments.requireNonNull(name, "name");
    lock.lock();
    try {
      ServiceRecord record = records.get(name);
      if (record == null) {
        throw new SamgrError.NotFound(Arguments.requireName(name));
      }
      return record.cloneHandle();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    Arguments.requireNonNull(name, "name");
    lock.lock();
    try {
      ServiceRecord record = records.get(name);
      if (record == null) {
        Arguments.requireName(name);
        return Optional.empty();
      }
      return Optional.of(record.cloneHandle());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    lock.lock();
    try {
      current(handle).lastBeat = clock.millis();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    Arguments.requireName(name);
    Arguments.requireNonNull(endpoint, "endpoint");
    lock.lock();
    try {
      ServiceRecord record = records.get(name);
      if (record == null) {
        throw new SamgrError.NotFound(name);
      }
      record.endpoint = endpoint;
      record.generation = ++lastGeneration;
      record.lastBeat = clock.millis();
      return record.cloneHandle();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    lock.lock();
    try {
      current(handle);
      records.remove(handle.name());
    } finally {
      lock.unlock();
    }
  }

  /** The record of a current handle; call under the lock. */
  private ServiceRecord current(ServiceHandle handle) throws SamgrError {
    ServiceRecord record = records.get(handle.name());
    if (record == null) {
      throw new SamgrError.NotFound(handle.name());
    }
    if (record.generation != handle.generation().value()) {
      throw new SamgrError.StaleHandle(handle, new Generation(record.generation));
    }
    return record;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      records.clear();
    } finally {
      lock.unlock();
    }
  }
}
