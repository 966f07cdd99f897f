package dev.tokenledger.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads Usage and Costs pages with Jackson's streaming parser, tolerantly: unknown fields and
 * unknown result types are skipped, missing counters are 0, legacy names ({@code sessions}, a
 * bucket array called {@code result}) are accepted. The client uses it for every page; the ledger
 * can use it to re-read a stored raw page.
 */
public final class PageParser {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MAX_CACHED_LENGTH = 96;

  private PageParser() {}

  /**
   * Parses one usage page.
   *
   * @throws BadResponseException when {@code json} is not a usage page
   */
  public static Page<UsageBucket> parseUsage(byte[] json) {
    try {
      return usage(json, null);
    } catch (PageFormatException e) {
      throw standalone(e, json);
    }
  }

  /**
   * Parses one usage page into {@code into}: the same sums as adding {@link #parseUsage}'s buckets,
   * without building a record per row (for callers that only sum). When the page is refused, {@code
   * into} may hold part of it.
   *
   * @throws BadResponseException when {@code json} is not a usage page
   */
  public static UsageAggregator aggregateUsage(byte[] json, UsageAggregator into) {
    try {
      aggregateUsage(json, null, into);
      return into;
    } catch (PageFormatException e) {
      throw standalone(e, json);
    }
  }

  /**
   * Parses one costs page.
   *
   * @throws BadResponseException when {@code json} is not a costs page
   */
  public static Page<CostBucket> parseCosts(byte[] json) {
    try {
      return costs(json);
    } catch (PageFormatException e) {
      throw standalone(e, json);
    }
  }

  private static BadResponseException standalone(PageFormatException e, byte[] json) {
    String start = BodyExcerpt.of(json, List.of());
    return new BadResponseException(
        e.getMessage() + "; the page starts with " + start, null, 0, e.kind(), start, null);
  }

  /**
   * @param endpoint the endpoint asked, whose result type a result without {@code object} is taken
   *     to be; {@code null} to skip such results
   */
  static Page<UsageBucket> usage(byte[] json, UsageEndpoint endpoint) throws PageFormatException {
    return new Reader<UsageResult, UsageBucket>(
        json, endpoint == null ? null : endpoint.resultObject()) {
      @Override
      UsageResult result(RowFields f, String object) {
        return f.usageResult(object);
      }

      @Override
      UsageBucket bucket(Instant start, Instant end, List<UsageResult> results) {
        return new UsageBucket(start, end, results, rawResults());
      }
    }.page();
  }

  /**
   * Adds the rows of one usage page to {@code into}; the page's buckets are placeholders, there for
   * their count and the cursor. A completions row goes from the parser's fields straight into the
   * sums; other rows, and a completions row its record would refuse, are built as records.
   */
  static Page<Object> aggregateUsage(byte[] json, UsageEndpoint endpoint, UsageAggregator into)
      throws PageFormatException {
    return new Reader<Object, Object>(
        json, endpoint == null ? null : endpoint.resultObject(), textsGroupedBy(into)) {
      @Override
      boolean keepsRows() {
        return false;
      }

      @Override
      Object result(RowFields f, String object) {
        UsageEndpoint e = f.endpoint(object);
        if (e == null) {
          return null;
        }
        if (e == UsageEndpoint.COMPLETIONS && f.plausibleCompletions()) {
          into.addCompletions(f);
        } else {
          into.add(f.usageResult(object));
        }
        return ADDED;
      }

      @Override
      Object bucket(Instant start, Instant end, List<Object> results) {
        into.countBucket();
        return ADDED;
      }
    }.page();
  }

  /**
   * The text fields a sum grouped by {@code into}'s dimensions needs, by ordinal: the row's {@code
   * object} and those dimensions; a sum needs no other text (its counts are all it adds up).
   */
  private static boolean[] textsGroupedBy(UsageAggregator into) {
    boolean[] kept = new boolean[ResultField.values().length];
    kept[ResultField.OBJECT.ordinal()] = true;
    for (Dimension d : into.dimensions()) {
      ResultField field = ResultField.named(d.wire());
      if (field == null) {
        // a dimension the rows path would read and this path would not: the sums would differ
        throw new IllegalStateException("no result field for dimension " + d.wire());
      }
      kept[field.ordinal()] = true;
    }
    return kept;
  }

  /** What the aggregating reader gives for a row or bucket it has added. */
  private static final Object ADDED = new Object();

  static Page<CostBucket> costs(byte[] json) throws PageFormatException {
    return new Reader<CostResult, CostBucket>(json, CostResult.OBJECT) {
      @Override
      CostResult result(RowFields f, String object) {
        return CostResult.OBJECT.equals(object) ? f.costResult() : null;
      }

      @Override
      CostBucket bucket(Instant start, Instant end, List<CostResult> results) {
        return new CostBucket(start, end, results);
      }
    }.page();
  }

  /** The page walk, shared by usage and costs; subclasses build their own results and buckets. */
  private abstract static class Reader<R, B> {
    private final byte[] json;
    private final String defaultObject;
    private final RowFields fields = new RowFields();

    /** The text fields kept, by ordinal; null: all. The others are checked, not read. */
    private final boolean[] textsKept;

    private final String[] strings = new String[512];
    private final char[][] stringChars = new char[512][];
    private final int[] stringHashes = new int[512];

    /** By field ordinal, the cache slot of the field's value in the row before; -1: none. */
    private final int[] lastSlots = filled(ResultField.values().length, -1);

    private final ResultField[] predicted = new ResultField[64];
    private JsonParser p;
    private int bucketIndex = -1;
    private int resultIndex = -1;
    private String field;
    private long ignored;
    // start and end offsets of the current bucket's kept results in json: the raw rows
    private int[] spans = new int[64];
    private int spanCount;

    Reader(byte[] json, String defaultObject) {
      this(json, defaultObject, null);
    }

    Reader(byte[] json, String defaultObject, boolean[] textsKept) {
      this.json = json;
      this.defaultObject = defaultObject;
      this.textsKept = textsKept;
    }

    private void keepSpan(long from, long to) {
      if (spanCount + 2 > spans.length) {
        spans = Arrays.copyOf(spans, spans.length * 2);
      }
      spans[spanCount++] = (int) from;
      spans[spanCount++] = (int) to;
    }

    /** The current bucket's results as returned. */
    RawResults rawResults() {
      return new RawResults(json, Arrays.copyOf(spans, spanCount));
    }

    /**
     * Whether {@link #bucket} is given its results and can ask for their offsets in the page
     * ({@link #rawResults()}); when not, it is given none.
     */
    boolean keepsRows() {
      return true;
    }

    /** The result for {@code object}, or {@code null} when this page kind does not know it. */
    abstract R result(RowFields f, String object);

    abstract B bucket(Instant start, Instant end, List<R> results);

    Page<B> page() throws PageFormatException {
      if (json == null || isBlank(json)) {
        throw PageFormatException.unreadable(json, null);
      }
      try (JsonParser parser = JSON.createParser(json)) {
        p = parser;
        return readPage();
      } catch (IOException e) {
        throw PageFormatException.unreadable(json, e);
      }
    }

    private Page<B> readPage() throws IOException, PageFormatException {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw shape("expected a page object at $ but found " + describe(t));
      }
      List<B> buckets = null;
      boolean hasMore = false;
      String nextPage = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        switch (name) {
          case "data" -> {
            if (buckets != null) {
              // the summing path has added the first array already: which one is meant is unknown
              throw shape("the page has \"data\" twice at $");
            }
            buckets = readBuckets(t);
          }
          case "has_more" -> hasMore = t == JsonToken.VALUE_TRUE;
          case "next_page" -> nextPage = t == JsonToken.VALUE_NULL ? null : p.getValueAsString();
          default -> p.skipChildren();
        }
      }
      if (buckets == null) {
        throw shape("expected a page with a \"data\" array at $ but it has none");
      }
      if (hasMore && (nextPage == null || nextPage.isEmpty())) {
        throw shape("the page says has_more=true but gives no next_page cursor");
      }
      return new Page<>(buckets, hasMore, hasMore ? nextPage : null, ignored);
    }

    private List<B> readBuckets(JsonToken t) throws IOException, PageFormatException {
      if (t != JsonToken.START_ARRAY) {
        throw shape("expected an array at $.data but found " + describe(t));
      }
      List<B> buckets = new ArrayList<>();
      bucketIndex = -1;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        bucketIndex++;
        buckets.add(readBucket(t));
      }
      bucketIndex = -1;
      return buckets;
    }

    private B readBucket(JsonToken t) throws IOException, PageFormatException {
      if (t != JsonToken.START_OBJECT) {
        throw shape("expected a bucket object at " + path() + " but found " + describe(t));
      }
      Instant start = null;
      Instant end = null;
      List<R> results = keepsRows() ? new ArrayList<>() : List.of();
      spanCount = 0;
      while ((field = p.nextFieldName()) != null) {
        t = p.nextToken();
        switch (field) {
          case "start_time" -> start = Instant.ofEpochSecond(count(t));
          case "end_time" -> end = Instant.ofEpochSecond(count(t));
          case "results", "result" -> readResults(t, results);
          default -> p.skipChildren();
        }
      }
      field = null;
      if (start == null || end == null) {
        throw shape(
            "expected start_time and end_time in the bucket at " + path() + " but one is missing");
      }
      return bucket(start, end, results);
    }

    private void readResults(JsonToken t, List<R> results) throws IOException, PageFormatException {
      if (t == JsonToken.VALUE_NULL) {
        return;
      }
      if (t != JsonToken.START_ARRAY) {
        throw shape("expected an array at " + path() + " but found " + describe(t));
      }
      field = null;
      resultIndex = -1;
      boolean keepRows = keepsRows();
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        resultIndex++;
        long from = keepRows ? p.currentTokenLocation().getByteOffset() : 0;
        R r = readResult(t);
        if (r != null && keepRows) {
          results.add(r);
          keepSpan(from, p.currentTokenLocation().getByteOffset() + 1);
        }
      }
      resultIndex = -1;
    }

    private R readResult(JsonToken t) throws IOException, PageFormatException {
      if (t != JsonToken.START_OBJECT) {
        throw shape("expected a result object at " + path() + " but found " + describe(t));
      }
      RowFields f = fields;
      f.reset();
      for (int position = 0; ; position++) {
        ResultField rf = nextField(position);
        if (field == null) {
          break;
        }
        t = p.nextToken();
        if (rf == null) {
          p.skipChildren();
          continue;
        }
        int i = rf.ordinal();
        switch (rf.kind) {
          case COUNT -> f.counts[i] = count(t);
          case TEXT -> {
            if (textsKept == null || textsKept[i]) {
              f.texts[i] = text(t, i);
            } else {
              checkText(t);
            }
          }
          case BOOLEAN -> f.batch = bool(t);
          case DECIMAL -> f.quantity = decimal(t);
          case AMOUNT -> readAmount(t, f);
        }
      }
      field = null;
      String object =
          f.text(ResultField.OBJECT) != null ? f.text(ResultField.OBJECT) : defaultObject;
      R r;
      try {
        r = object == null ? null : result(f, object);
      } catch (IllegalArgumentException e) {
        throw shape(e.getMessage() + " at " + path());
      }
      if (r == null) {
        ignored++;
      }
      return r;
    }

    /**
     * Moves to the next field of a row and returns it ({@code null} for one the parser skips), with
     * its name in {@link #field} ({@code null} at the end of the row). Rows of a page repeat their
     * fields in the same order, so the field at this position in the last row is tried first:
     * Jackson compares its name to the input's bytes, which spares hashing the name.
     */
    private ResultField nextField(int position) throws IOException {
      ResultField expected = position < predicted.length ? predicted[position] : null;
      if (expected == null) {
        field = p.nextFieldName();
      } else if (p.nextFieldName(expected.wire)) {
        field = expected.wire.getValue();
        return expected;
      } else {
        field = p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
      }
      if (field == null) {
        return null;
      }
      ResultField rf = ResultField.named(field);
      if (position < predicted.length) {
        predicted[position] = rf;
      }
      return rf;
    }

    private void readAmount(JsonToken t, RowFields f) throws IOException, PageFormatException {
      if (t == JsonToken.VALUE_NULL) {
        return;
      }
      if (t != JsonToken.START_OBJECT) {
        // An amount given as a bare number: take it as the value, currency unknown.
        f.amount = decimal(t);
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        switch (name) {
          case "value" -> f.amount = decimal(t);
          case "currency" -> f.currency = text(t);
          default -> p.skipChildren();
        }
      }
    }

    private long count(JsonToken t) throws IOException, PageFormatException {
      switch (t) {
        case VALUE_NUMBER_INT:
          try {
            return p.getLongValue();
          } catch (InputCoercionException e) {
            throw shape("expected a count at " + path() + " but " + p.getText() + " is too large");
          }
        case VALUE_NULL:
          return 0;
        case VALUE_NUMBER_FLOAT:
        case VALUE_STRING:
          BigDecimal d = decimal(t);
          try {
            return d.longValueExact();
          } catch (ArithmeticException e) {
            throw shape("expected a whole number at " + path() + " but found " + d);
          }
        default:
          throw shape("expected a number at " + path() + " but found " + describe(t));
      }
    }

    private BigDecimal decimal(JsonToken t) throws IOException, PageFormatException {
      switch (t) {
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          return p.getDecimalValue();
        case VALUE_NULL:
          return null;
        case VALUE_STRING:
          try {
            return new BigDecimal(p.getText().strip());
          } catch (NumberFormatException e) {
            throw shape("expected a number at " + path() + " but found \"" + p.getText() + "\"");
          }
        default:
          throw shape("expected a number at " + path() + " but found " + describe(t));
      }
    }

    /**
     * {@link #text(JsonToken)} of result field {@code ordinal}: a row's value is often the one the
     * row before had for that field (its {@code object} always), whose cache slot is checked first.
     * A slot another value took since holds that value's characters, and does not match.
     */
    private String text(JsonToken t, int ordinal) throws IOException, PageFormatException {
      if (t != JsonToken.VALUE_STRING) {
        return text(t);
      }
      int last = lastSlots[ordinal];
      if (last >= 0) {
        char[] buf = p.getTextCharacters(); // first: it reads the value, which sets the offset
        int off = p.getTextOffset();
        char[] seen = stringChars[last];
        if (Arrays.equals(seen, 0, seen.length, buf, off, off + p.getTextLength())) {
          return strings[last];
        }
      }
      int slot = cacheSlot();
      lastSlots[ordinal] = slot;
      return slot >= 0 ? strings[slot] : p.getText();
    }

    private String text(JsonToken t) throws IOException, PageFormatException {
      if (t == JsonToken.VALUE_STRING) {
        return cachedString();
      }
      if (t == JsonToken.VALUE_NULL) {
        return null;
      }
      if (t.isScalarValue()) {
        return p.getText();
      }
      throw shape("expected a string at " + path() + " but found " + describe(t));
    }

    /** Fails as {@link #text} would, without reading the value: the parser skips it. */
    private void checkText(JsonToken t) throws PageFormatException {
      if (!t.isScalarValue() && t != JsonToken.VALUE_NULL) {
        throw shape("expected a string at " + path() + " but found " + describe(t));
      }
    }

    /**
     * The current string value, reusing an equal string seen before on this page: the same model
     * names and ids repeat on every row, so this saves allocating them again and lets later hash
     * lookups use their cached hash codes.
     */
    private String cachedString() throws IOException {
      int slot = cacheSlot();
      return slot >= 0 ? strings[slot] : p.getText();
    }

    /**
     * The slot of the string cache that holds the current string value, put there if it was not; -1
     * for a value too long to keep.
     */
    private int cacheSlot() throws IOException {
      char[] buf = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      if (len > MAX_CACHED_LENGTH) {
        return -1;
      }
      int h = 0;
      for (int i = 0; i < len; i++) {
        h = 31 * h + buf[off + i];
      }
      int slot = (h ^ (h >>> 16)) & (strings.length - 1);
      char[] seen = stringChars[slot];
      if (seen == null
          || stringHashes[slot] != h
          || !Arrays.equals(seen, 0, seen.length, buf, off, off + len)) {
        strings[slot] = new String(buf, off, len);
        stringChars[slot] = Arrays.copyOfRange(buf, off, off + len);
        stringHashes[slot] = h;
      }
      return slot;
    }

    private static int[] filled(int length, int value) {
      int[] a = new int[length];
      Arrays.fill(a, value);
      return a;
    }

    private Boolean bool(JsonToken t) throws IOException, PageFormatException {
      switch (t) {
        case VALUE_TRUE:
          return Boolean.TRUE;
        case VALUE_FALSE:
          return Boolean.FALSE;
        case VALUE_NULL:
          return null;
        case VALUE_STRING:
          String s = p.getText().strip();
          if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.valueOf(s);
          }
          throw shape("expected true or false at " + path() + " but found \"" + s + "\"");
        default:
          throw shape("expected true or false at " + path() + " but found " + describe(t));
      }
    }

    private String path() {
      StringBuilder sb = new StringBuilder("$");
      if (bucketIndex >= 0) {
        sb.append(".data[").append(bucketIndex).append(']');
      }
      if (resultIndex >= 0) {
        sb.append(".results[").append(resultIndex).append(']');
      }
      if (field != null) {
        sb.append('.').append(field);
      }
      return sb.toString();
    }

    private static PageFormatException shape(String detail) {
      return new PageFormatException(BadResponseException.Kind.UNEXPECTED_JSON, detail, null);
    }

    private static String describe(JsonToken t) {
      if (t == null) {
        return "the end of the body";
      }
      return switch (t) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> t.toString();
      };
    }
  }

  static boolean isBlank(byte[] json) {
    for (byte b : json) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  static boolean startsWith(byte[] body, char c) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return b == c;
      }
    }
    return false;
  }
}
