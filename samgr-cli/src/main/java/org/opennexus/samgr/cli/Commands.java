package org.opennexus.samgr.cli;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.TypeConversionException;

/** Small helpers the commands share. */
final class Commands {

  private Commands() {}

  /** A field picocli injects; it is set before any command runs. */
  static <T> T required(@Nullable T injected) {
    if (injected == null) {
      throw new IllegalStateException("picocli did not inject a field it should have");
    }
    return injected;
  }

  /** The root command, which holds the context. */
  static CliContext context(@Nullable CommandSpec spec) {
    return ((SamgrCommand) required(spec).root().userObject()).context();
  }

  /**
   * Reads a duration of zero or more in the syntax of {@link Durations} ({@code 10s}, {@code
   * 500ms}, {@code 2m}, {@code 1h}, {@code 10000} milliseconds or ISO-8601 {@code PT10S}); picocli
   * names the option in front of the message.
   */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return Durations.parse(text, "");
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
