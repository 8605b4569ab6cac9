package org.opennexus.samgr.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
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

  /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT10S}); zero or more. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,18})(ms|s|m|h)");

    @Override
    public Duration convert(String text) {
      Matcher m = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
      Duration duration;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        duration =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              default -> Duration.ofHours(n);
            };
      } else {
        try {
          duration = Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
          throw new TypeConversionException(
              "'" + text + "' is not a duration (write 10s, 500ms, 2m, 1h or PT10S)");
        }
      }
      if (duration.isNegative()) {
        throw new TypeConversionException("'" + text + "' is negative; a duration is 0 or more");
      }
      return duration;
    }
  }
}
