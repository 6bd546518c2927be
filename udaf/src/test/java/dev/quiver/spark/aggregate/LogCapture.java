package dev.quiver.spark.aggregate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a logger and the loggers below it write at WARN or above during each test, whatever the
 * session's log level; a test class registers one in a field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final LogCapture warnings = new LogCapture(LOGGER, event -> event.getLoggerName());
 * }</pre>
 */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final String logger;
  private final Function<LogEvent, String> format;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private AbstractAppender appender;

  /** {@code format} makes the text {@link #messages} lists for an event. */
  LogCapture(String logger, Function<LogEvent, String> format) {
    this.logger = logger;
    this.format = format;
  }

  @Override
  public void beforeEach(ExtensionContext test) {
    messages.clear();
    appender = new AbstractAppender("quiver-test-warnings", null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        messages.add(format.apply(event));
      }
    };
    appender.start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    LoggerConfig config = new LoggerConfig(logger, Level.WARN, false);
    config.addAppender(appender, Level.WARN, null);
    context.getConfiguration().addLogger(logger, config);
    context.updateLoggers();
  }

  /** The test's messages so far. */
  List<String> messages() {
    return messages;
  }

  @Override
  public void afterEach(ExtensionContext test) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().removeLogger(logger);
    context.updateLoggers();
    appender.stop();
  }
}
