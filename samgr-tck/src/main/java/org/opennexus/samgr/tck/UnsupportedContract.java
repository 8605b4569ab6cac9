package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;

/**
 * The contract of a backend that refuses every registry operation (such as the {@code os} stub):
 * each one applies the shared argument rules and then throws {@link
 * org.opennexus.samgr.SamgrError.Unsupported} naming the operation and the environment.
 */
public interface UnsupportedContract extends Contract, ArgumentContract {

  /**
   * Every operation, called with valid arguments, throws {@code Unsupported} (or, if it declares no
   * checked exception, {@code UnsupportedOperationException} caused by it) whose {@code
   * operation()} is the method name and whose {@code environment()} is the backend's, and whose
   * message names both.
   *
   * @return one test per operation
   */
  @TestFactory
  default Stream<DynamicTest> everyOperationThrowsUnsupported() {
    return Operations.valid().stream()
        .map(
            op ->
                DynamicTest.dynamicTest(
                    op.signature(),
                    () -> {
                      try (ServiceManager samgr = open()) {
                        SamgrError.Unsupported unsupported = refusal(op, samgr);
                        assertEquals(op.operation(), unsupported.operation());
                        assertEquals(environment(), unsupported.environment());
                        assertEquals(samgr.environment(), unsupported.environment());
                        assertMessageContains(
                            unsupported, "'" + op.operation() + "'", "'" + environment() + "'");
                      }
                    }));
  }

  /**
   * The refusal of a valid call: the {@code Unsupported} it throws, or, for an operation that
   * declares no checked exception, the cause of the {@link UnsupportedOperationException} it
   * throws, which has the same message.
   */
  private static SamgrError.Unsupported refusal(Operations.Valid op, ServiceManager samgr) {
    if (Operations.declaresSamgrError(op.operation())) {
      return assertThrows(SamgrError.Unsupported.class, () -> op.call().on(samgr));
    }
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> op.call().on(samgr));
    SamgrError.Unsupported cause = assertInstanceOf(SamgrError.Unsupported.class, e.getCause());
    assertEquals(cause.getMessage(), e.getMessage());
    return cause;
  }

  /**
   * The operations cover the whole {@link ServiceManager} interface: every abstract method but
   * {@code environment} and {@code close} has a row, so a new operation cannot be forgotten here.
   */
  @Test
  default void operationTableCoversEveryServiceManagerMethod() {
    List<String> declared =
        Stream.of(ServiceManager.class.getMethods())
            .filter(m -> !m.isDefault() && !java.lang.reflect.Modifier.isStatic(m.getModifiers()))
            .map(m -> m.getName())
            .filter(n -> !n.equals("environment") && !n.equals("close"))
            .sorted()
            .collect(Collectors.toList());
    List<String> tested =
        Operations.valid().stream().map(Operations.Valid::operation).sorted().toList();
    assertEquals(declared, tested);
  }

  /**
   * Bad arguments are rejected before {@code Unsupported}, by the rules every backend shares:
   * {@code null} with {@code NullPointerException} naming the parameter, an invalid name or a
   * negative timeout with {@code IllegalArgumentException} naming it.
   *
   * @return one test per bad call
   */
  @TestFactory
  default Stream<DynamicTest> argumentRulesComeBeforeUnsupported() {
    return Operations.bad().stream()
        .map(
            bad ->
                DynamicTest.dynamicTest(
                    bad.signature(),
                    () -> {
                      try (ServiceManager samgr = open()) {
                        RuntimeException e =
                            assertThrows(bad.expected(), () -> bad.call().on(samgr));
                        assertMessageContains(e, bad.parameter());
                      }
                    }));
  }

  /** {@code environment()} is the name the backend was selected by. */
  @Test
  default void environmentIsTheSelectedName() {
    try (ServiceManager samgr = open()) {
      assertEquals(environment(), samgr.environment());
    }
  }

  /**
   * After {@code close()}, every operation throws {@code IllegalStateException} instead of {@code
   * Unsupported}; {@code environment()} still answers and closing again is harmless.
   *
   * @return one test per operation
   */
  @TestFactory
  default Stream<DynamicTest> operationsAfterCloseThrowIllegalStateException() {
    return Operations.valid().stream()
        .map(
            op ->
                DynamicTest.dynamicTest(
                    op.signature(),
                    () -> {
                      ServiceManager samgr = open();
                      samgr.close();
                      assertThrows(IllegalStateException.class, () -> op.call().on(samgr));
                      assertEquals(environment(), samgr.environment());
                      assertDoesNotThrow(samgr::close);
                    }));
  }
}
