package dev.tokenledger.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic replies: the request (its bytes and the choice index) and the simulator's seed fix
 * the reply's length, words and reasoning tokens, so the same request always costs the same.
 */
final class ReplyGenerator {
  private static final String[] WORDS = {
    "the",
    "model",
    "token",
    "ledger",
    "usage",
    "minute",
    "bucket",
    "simulated",
    "reply",
    "cost",
    "project",
    "key",
    "request",
    "response",
    "data",
    "report",
    "window",
    "step",
    "run",
    "sample",
    "value",
    "count",
    "input",
    "output",
    "cache",
    "prompt",
    "answer",
    "result",
    "check",
    "plan",
    "build",
    "test",
    "code",
    "review",
    "design",
    "task",
    "file",
    "change",
    "note",
    "list",
    "time",
    "api",
    "call",
    "stream",
    "chunk",
    "delta",
    "final",
    "exact",
    "total",
    "part"
  };

  private final long seed;

  ReplyGenerator(long seed) {
    this.seed = seed;
  }

  /** One generated choice. */
  record Reply(String text, List<String> pieces, int tokens, int reasoningTokens, boolean cut) {}

  /**
   * A reply to the request with hash {@code requestHash}. {@code maxTokens} (null for none) caps
   * reasoning plus visible tokens; {@code effort} scales reasoning ({@code minimal}, {@code low},
   * {@code medium}, {@code high}).
   */
  Reply generate(
      long requestHash, int choice, boolean reasoning, String effort, Integer maxTokens) {
    Random r = new Random(mix(seed ^ mix(requestHash + 0x9E3779B97F4A7C15L * (choice + 1))));
    int target = 12 + r.nextInt(220);
    int reasoningTokens = 0;
    if (reasoning) {
      double factor =
          switch (effort == null ? "medium" : effort) {
            case "minimal", "none" -> 0;
            case "low" -> 0.5;
            case "high" -> 2;
            default -> 1;
          };
      reasoningTokens = (int) Math.round(64 * (1 + r.nextInt(16)) * factor);
    }
    boolean cut = false;
    if (maxTokens != null) {
      if (reasoningTokens >= maxTokens) {
        reasoningTokens = maxTokens;
        target = 0;
        cut = true;
      } else if (reasoningTokens + target > maxTokens) {
        target = maxTokens - reasoningTokens;
        cut = true;
      }
    }
    List<String> pieces = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int tokens = 0;
    int sinceStop = 0;
    while (tokens < target) {
      String word = WORDS[r.nextInt(WORDS.length)];
      if (pieces.isEmpty()) {
        word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
      } else {
        word = " " + word;
      }
      sinceStop++;
      if (sinceStop > 6 && r.nextInt(5) == 0) {
        word = word + ".";
        sinceStop = 0;
      }
      int n = Tokens.count(word);
      if (tokens + n > target) {
        break;
      }
      pieces.add(word);
      text.append(word);
      tokens += n;
    }
    int exact = Tokens.count(text.toString());
    while (exact > target && !pieces.isEmpty()) {
      String last = pieces.remove(pieces.size() - 1);
      text.setLength(text.length() - last.length());
      exact = Tokens.count(text.toString());
    }
    return new Reply(text.toString(), pieces, exact, reasoningTokens, cut);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h = (h ^ (b & 0xFF)) * 0x100000001b3L;
    }
    return h;
  }
}
