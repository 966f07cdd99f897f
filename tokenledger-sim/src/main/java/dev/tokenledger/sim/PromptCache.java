package dev.tokenledger.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * OpenAI-style prompt caching: a prompt of at least 1,024 tokens whose prefix was seen recently in
 * the same project gets that prefix reported as {@code cached_tokens}, counted in 128-token steps.
 */
final class PromptCache {
  static final int MIN_TOKENS = 1024;
  static final int INCREMENT = 128;
  private static final int ENTRIES_PER_SCOPE = 32;

  private final Duration ttl;
  private final Map<String, Deque<Entry>> byScope = new HashMap<>();

  private static final class Entry {
    final int[] tokens;
    Instant lastUsed;

    Entry(int[] tokens, Instant lastUsed) {
      this.tokens = tokens;
      this.lastUsed = lastUsed;
    }
  }

  PromptCache(Duration ttl) {
    this.ttl = ttl;
  }

  /** The cached tokens for {@code prompt} in {@code scope} at {@code now}; remembers the prompt. */
  synchronized int lookupAndStore(String scope, int[] prompt, Instant now) {
    if (prompt.length < MIN_TOKENS) {
      return 0;
    }
    Deque<Entry> entries = byScope.computeIfAbsent(scope, s -> new ArrayDeque<>());
    int best = 0;
    Entry bestEntry = null;
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.lastUsed.plus(ttl).isBefore(now)) {
        it.remove();
        continue;
      }
      int common = commonPrefix(e.tokens, prompt);
      if (common > best) {
        best = common;
        bestEntry = e;
      }
    }
    int cached = best >= MIN_TOKENS ? (best / INCREMENT) * INCREMENT : 0;
    if (bestEntry != null && cached > 0) {
      bestEntry.lastUsed = now;
    }
    if (bestEntry == null || best < prompt.length || bestEntry.tokens.length != prompt.length) {
      entries.addFirst(new Entry(prompt, now));
      while (entries.size() > ENTRIES_PER_SCOPE) {
        entries.removeLast();
      }
    }
    return cached;
  }

  private static int commonPrefix(int[] a, int[] b) {
    int n = Math.min(a.length, b.length);
    int i = 0;
    while (i < n && a[i] == b[i]) {
      i++;
    }
    return i;
  }
}
