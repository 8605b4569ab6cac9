/**
 * The samgr backend contract suite.
 *
 * <p>Each contract is a JUnit 5 test interface whose default methods are the tests; they reach the
 * backend only through {@link org.opennexus.samgr.Samgr}, by the environment name that {@link
 * org.opennexus.samgr.tck.Contract#environment()} returns. To check a backend, implement the
 * profile it claims in a test class:
 *
 * <pre>{@code
 * class MyBackendContractTest implements FullContract {
 *   @Override
 *   public String environment() {
 *     return "mine";
 *   }
 * }
 * }</pre>
 */
@NullMarked
package org.opennexus.samgr.tck;

import org.jspecify.annotations.NullMarked;
