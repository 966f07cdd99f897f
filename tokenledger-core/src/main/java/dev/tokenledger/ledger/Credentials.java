package dev.tokenledger.ledger;

import java.util.regex.Pattern;

/**
 * Removes database credentials from text that may quote a JDBC URL or a driver's message: {@code
 * password=…} parameters and {@code user:password@} user-info, wherever they appear (the PostgreSQL
 * driver takes {@code u:secret@host} for a host name and quotes it back).
 */
final class Credentials {
  // A value already redacted is left as it is, with what follows it.
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("(?i)(password=)(?!\\*\\*\\*(?![^&;\\s)\"':]))[^&;\\s)\"']*");
  private static final Pattern USER_INFO = Pattern.compile("[^\\s/@:\"'(]*:[^\\s/@\"']*@");

  private Credentials() {}

  /** {@code text} with every password parameter's value and every user-info replaced by ***. */
  static String redact(String text) {
    if (text == null) {
      return null;
    }
    String t = PASSWORD_PARAMETER.matcher(text).replaceAll("$1***");
    return USER_INFO.matcher(t).replaceAll("***@");
  }

  /**
   * {@code cause} itself when nothing in its chain holds credentials; otherwise a copy of the chain
   * whose messages are redacted (class names and stack frames kept), for {@code -x} to print.
   */
  static Throwable sanitized(Throwable cause) {
    if (cause == null || !holdsCredentials(cause)) {
      return cause;
    }
    return copy(cause);
  }

  private static boolean holdsCredentials(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage();
      if (m != null && !m.equals(redact(m))) {
        return true;
      }
    }
    return false;
  }

  private static Throwable copy(Throwable t) {
    Throwable cause = t.getCause() == null || t.getCause() == t ? null : copy(t.getCause());
    RedactedCause copy =
        new RedactedCause(t.getClass().getName() + ": " + redact(t.getMessage()), cause);
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  /** A driver's exception, retold without the credentials its message held. */
  static final class RedactedCause extends Exception {
    private static final long serialVersionUID = 1L;

    RedactedCause(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
