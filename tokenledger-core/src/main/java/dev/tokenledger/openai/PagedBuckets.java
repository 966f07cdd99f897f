package dev.tokenledger.openai;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The buckets of a Usage or Costs query, fetched page by page as they are consumed: the first
 * request goes out on the first {@code hasNext()}, the next page only when the current one is used
 * up, until {@code has_more} is false. At most one page is held at a time. It can be iterated once;
 * {@link #stats()} tells, during or after, what the fetching cost.
 */
public final class PagedBuckets<B> implements Iterable<B> {

  /**
   * Fetches the page at {@code cursor} ({@code null} for the first); calls {@code onAttempt} per
   * HTTP request.
   */
  @FunctionalInterface
  interface PageSource<B> {
    Page<B> fetch(String cursor, Runnable onAttempt);
  }

  private final PageSource<B> source;
  private final AtomicInteger pages = new AtomicInteger();
  private final AtomicInteger httpRequests = new AtomicInteger();
  private final AtomicLong ignoredResults = new AtomicLong();
  private boolean iterated;

  PagedBuckets(PageSource<B> source) {
    this.source = source;
  }

  /**
   * The buckets in order.
   *
   * @throws IllegalStateException when called a second time: query again to read again
   */
  @Override
  public synchronized Iterator<B> iterator() {
    if (iterated) {
      throw new IllegalStateException(
          "these buckets were already iterated; run the query again to fetch them again");
    }
    iterated = true;
    return new PageIterator();
  }

  /** The buckets as a sequential stream; fetching happens as the stream is consumed. */
  public Stream<B> stream() {
    return StreamSupport.stream(spliterator(), false);
  }

  /** Pages and HTTP requests so far (retries included). */
  public RequestStats stats() {
    return new RequestStats(pages.get(), httpRequests.get(), ignoredResults.get());
  }

  private final class PageIterator implements Iterator<B> {
    private List<B> current = List.of();
    private int index;
    private String cursor;
    private boolean last;

    @Override
    public boolean hasNext() {
      while (index >= current.size()) {
        if (last) {
          return false;
        }
        Page<B> page = source.fetch(cursor, httpRequests::incrementAndGet);
        pages.incrementAndGet();
        ignoredResults.addAndGet(page.ignoredResults());
        current = page.buckets();
        index = 0;
        last = !page.hasMore();
        cursor = page.nextPage();
      }
      return true;
    }

    @Override
    public B next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more buckets");
      }
      return current.get(index++);
    }
  }
}
