package dev.tokenledger.proxy;

import dev.tokenledger.metering.KeyIdentifier;
import dev.tokenledger.metering.MeterPath;
import dev.tokenledger.metering.MeterSink;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * A pass-through HTTP proxy in front of the OpenAI API that records the usage of every response
 * (docs/metering.md). Every method and path is forwarded to the upstream base URL: {@code
 * <proxy>/r/<run>/s/<step>/v1/x} and {@code <proxy>/v1/x} both go to {@code <upstream>/x}, bodies
 * byte for byte (a streamed chat completion that did not ask for usage aside: usage is asked for
 * upstream and stripped from what the client gets). Each finished exchange becomes one {@link
 * dev.tokenledger.metering.MeteredRequest} handed to the {@link MeterSink} on a thread of its own.
 *
 * <pre>
 * try (MeteringProxy proxy = MeteringProxy.builder(URI.create("https://api.openai.com/v1"))
 *     .sink(ledgerSink).keyIdentifier(keys).onFailure(f -&gt; markMeterFailed(f)).start()) {
 *   env.put("OPENAI_BASE_URL", proxy.baseUrl(runId, 1).toString());
 *   ...
 * }
 * </pre>
 */
public final class MeteringProxy implements AutoCloseable {
  private final Settings settings;
  private final EventLoopGroup group;
  private final Recorder recorder;
  private final Channel server;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<String> stoppedOnItsOwn = new CompletableFuture<>();

  private MeteringProxy(Builder b) {
    Recorder rec = new Recorder(b.sink, b.onFailure);
    this.recorder = rec;
    this.settings =
        new Settings(
            Upstream.of(b.upstream, sslContext(b.upstream)), b.clock, b.keyIdentifier, rec);
    // daemon threads: a caller that forgets close() does not keep its JVM alive
    this.group =
        new MultiThreadIoEventLoopGroup(
            b.ioThreads,
            new DefaultThreadFactory("tokenledger-proxy", true),
            NioIoHandler.newFactory());
    try {
      this.server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(
                              new HttpServerCodec(),
                              new HttpServerExpectContinueHandler(),
                              new ClientHandler(settings));
                    }
                  })
              .bind(new InetSocketAddress(b.bind, b.port))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      rec.close(0);
      throw new IllegalStateException(
          "tokenledger proxy: cannot listen on "
              + b.bind.getHostAddress()
              + ":"
              + b.port
              + " ("
              + e.getMessage()
              + "); choose another --port or --bind",
          e);
    }
    server
        .closeFuture()
        .addListener(
            f -> {
              if (!closed.get()) {
                recorder.fail(null, "the proxy stopped listening unexpectedly", f.cause());
                stoppedOnItsOwn.complete(
                    f.cause() == null
                        ? "its listening socket was closed"
                        : String.valueOf(f.cause().getMessage()));
              }
            });
  }

  /**
   * A builder for a proxy in front of {@code upstream} (e.g. {@code https://api.openai.com/v1}).
   */
  public static Builder builder(URI upstream) {
    return new Builder(upstream);
  }

  /**
   * Completes, with the reason, when the proxy stops listening without {@link #close()} being
   * called; never completes otherwise. A server process waits on it to exit with a failure.
   */
  public CompletionStage<String> stoppedOnItsOwn() {
    return stoppedOnItsOwn;
  }

  /** Closes the listening socket alone, as a failure of the socket would (for tests). */
  void dropListener() {
    server.close().syncUninterruptibly();
  }

  /** The port the proxy listens on. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The upstream base URL requests go to. */
  public URI upstream() {
    return settings.upstream().base();
  }

  /** The untagged base URL ({@code http://host:port/v1}): requests are recorded without a run. */
  public URI baseUrl() {
    return URI.create(origin() + "/v1");
  }

  /**
   * The base URL a run's child is given as {@code OPENAI_BASE_URL}: {@code
   * http://host:port/r/<run>/s/<step>/v1}, or {@code .../r/<run>/v1} when {@code stepIndex} is
   * null.
   */
  public URI baseUrl(String runId, Integer stepIndex) {
    return URI.create(origin() + MeterPath.basePath(runId, stepIndex));
  }

  private String origin() {
    InetSocketAddress a = (InetSocketAddress) server.localAddress();
    String host = a.getAddress().getHostAddress();
    if (a.getAddress().isAnyLocalAddress()) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + a.getPort();
  }

  /**
   * Stops listening, ends open exchanges (each is recorded as it ends) and delivers every queued
   * record to the sink before returning (waiting at most 10 s for a slow sink).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    recorder.close(10);
  }

  @Override
  public String toString() {
    return "MeteringProxy[" + origin() + " -> " + upstream() + "]";
  }

  private static SslContext sslContext(URI upstream) {
    if (!"https".equalsIgnoreCase(upstream.getScheme())) {
      return null;
    }
    try {
      // the JDK's default trust store; hostname verified (set on each engine)
      return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
    } catch (SSLException e) {
      throw new UncheckedIOException(
          new java.io.IOException("tokenledger proxy: cannot set up TLS: " + e.getMessage(), e));
    }
  }

  /** What every connection handler shares. */
  record Settings(Upstream upstream, Clock clock, KeyIdentifier keys, Recorder recorder) {}

  /** Settings of a proxy; only the upstream is required. */
  public static final class Builder {
    private final URI upstream;
    private InetAddress bind = InetAddress.getLoopbackAddress();
    private int port;
    private MeterSink sink = r -> {};
    private KeyIdentifier keyIdentifier = KeyFingerprints.salted();
    private Clock clock = Clock.systemUTC();
    private Consumer<ProxyFailure> onFailure = f -> {};
    private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());

    private Builder(URI upstream) {
      Objects.requireNonNull(upstream, "upstream");
      String scheme =
          upstream.getScheme() == null ? "" : upstream.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || upstream.getHost() == null) {
        throw new IllegalArgumentException(
            "the upstream must be an http or https URL such as https://api.openai.com/v1, but was '"
                + upstream
                + "'");
      }
      if (upstream.getRawQuery() != null || upstream.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "the upstream base URL cannot have a query or fragment, but was '" + upstream + "'");
      }
      this.upstream = upstream;
    }

    /** The address to listen on. Default: the loopback address (127.0.0.1). */
    public Builder bindAddress(InetAddress address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The address to listen on, by name or literal. */
    public Builder bindAddress(String address) {
      try {
        return bindAddress(InetAddress.getByName(Objects.requireNonNull(address, "address")));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "bind address '" + address + "' is not an address of this machine", e);
      }
    }

    /** The port; 0 (the default) takes a free one, see {@link MeteringProxy#port()}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
      }
      this.port = port;
      return this;
    }

    /** Where each finished request goes (called on the proxy's own sink thread). Default: none. */
    public Builder sink(MeterSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Turns bearer keys into what may be stored. Default: a salted fingerprint (a random salt per
     * proxy) and no key id.
     */
    public Builder keyIdentifier(KeyIdentifier keys) {
      this.keyIdentifier = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** The clock of {@code startedAt}/{@code finishedAt}. Default: the system clock, UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Told when records are lost or the proxy fails (called on the sink's or an I/O thread; must
     * not block). Default: nothing.
     */
    public Builder onFailure(Consumer<ProxyFailure> onFailure) {
      this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
      return this;
    }

    /** The I/O threads. Default: 2 (or 1 on one core). */
    public Builder ioThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("ioThreads must be 1 or more, but was " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    /** Starts the proxy (listening when this returns). */
    public MeteringProxy start() {
      return new MeteringProxy(this);
    }
  }
}
