package dev.tokenledger.bench;

import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.HttpProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * The time-boxed spike that chose the proxy's HTTP library (docs/metering.md, "Why this HTTP
 * server"): a plain pass-through on raw Netty and one on vertx-http-proxy, each measured against
 * the simulator with {@link LoadGenerator}. Run by hand: {@code java -cp benchmarks.jar
 * dev.tokenledger.bench.ProxySpike [seconds] [rate]}.
 */
public final class ProxySpike {
  private ProxySpike() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    try (OpenAiSimulator sim =
        OpenAiSimulator.builder()
            .clock(SimClock.running(Instant.parse("2025-10-27T10:00:00Z"), 1))
            .reportingDelay(ReportingDelay.none())
            .start()) {
      SimKey key = sim.register(SimKey.project("bench", "proj_bench"));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      LoadGenerator load = new LoadGenerator(http);
      String body =
          "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      String stream =
          "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      NettyPassThrough netty = new NettyPassThrough(sim.port());
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
      io.vertx.core.http.HttpClient vclient =
          vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(256));
      HttpServer vserver =
          vertx
              .createHttpServer()
              .requestHandler(HttpProxy.reverseProxy(vclient).origin(sim.port(), "127.0.0.1"))
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get();
      String[] names = {"direct", "netty", "vertx"};
      int[] ports = {sim.port(), netty.port(), vserver.actualPort()};
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < names.length; i++) {
          URI chat = URI.create("http://127.0.0.1:" + ports[i] + "/v1/chat/completions");
          Supplier<java.net.http.HttpRequest> plain = request(chat, key, body);
          Supplier<java.net.http.HttpRequest> streamed = request(chat, key, stream);
          load.fixedRate(plain, rate, Duration.ofSeconds(3)); // warm-up
          LoadGenerator.Result fixed = load.fixedRate(plain, rate, Duration.ofSeconds(seconds));
          LoadGenerator.Result sse =
              load.fixedRate(streamed, rate / 4, Duration.ofSeconds(seconds / 2));
          LoadGenerator.Result sat = load.saturate(plain, 16, Duration.ofSeconds(seconds / 2));
          System.out.printf(
              "round %d %-6s %d/s: p50 %.3f ms p99 %.3f ms (errors %d) | stream ttfb p50 %.3f"
                  + " p99 %.3f ms | saturation %,.0f req/s (errors %d)%n",
              round,
              names[i],
              rate,
              fixed.totalMillis(0.5),
              fixed.totalMillis(0.99),
              fixed.errors(),
              sse.firstByteMillis(0.5),
              sse.firstByteMillis(0.99),
              sat.rate(),
              sat.errors());
        }
      }
      vertx.close().toCompletionStage().toCompletableFuture().get();
      netty.close();
    }
    System.exit(0);
  }

  private static Supplier<java.net.http.HttpRequest> request(URI uri, SimKey key, String body) {
    return () ->
        java.net.http.HttpRequest.newBuilder(uri)
            .header("Authorization", key.apiKey().bearerHeaderValue())
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(body))
            .build();
  }

  /** The least a streaming Netty pass-through does: one upstream connection per client one. */
  static final class NettyPassThrough implements AutoCloseable {
    private final EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;

    NettyPassThrough(int upstreamPort) throws InterruptedException {
      server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(new HttpServerCodec(), new Front(upstreamPort));
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
    }

    int port() {
      return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
      server.close();
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static final class Front extends ChannelInboundHandlerAdapter {
    private final int upstreamPort;
    private Channel upstream;
    private final Queue<Object> pending = new ArrayDeque<>();

    Front(int upstreamPort) {
      this.upstreamPort = upstreamPort;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest r) {
        r.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + upstreamPort);
      }
      if (upstream == null) {
        pending.add(msg);
        Channel front = ctx.channel();
        upstream =
            new Bootstrap()
                .group(front.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(
                    new ChannelInitializer<SocketChannel>() {
                      @Override
                      protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new Back(front));
                      }
                    })
                .connect("127.0.0.1", upstreamPort)
                .addListener(
                    (ChannelFutureListener)
                        f -> {
                          if (!f.isSuccess()) {
                            pending.forEach(ReferenceCountUtil::release);
                            front.close();
                            return;
                          }
                          Object m;
                          while ((m = pending.poll()) != null) {
                            f.channel().write(m);
                          }
                          f.channel().flush();
                        })
                .channel();
        return;
      }
      if (!upstream.isActive()) {
        pending.add(msg);
        return;
      }
      if (msg instanceof LastHttpContent) {
        upstream.writeAndFlush(msg);
      } else {
        upstream.write(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (upstream != null) {
        upstream.close();
      }
    }
  }

  private static final class Back extends ChannelInboundHandlerAdapter {
    private final Channel front;

    Back(Channel front) {
      this.front = front;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpObject && !(msg instanceof HttpRequest)) {
        front.writeAndFlush(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      front.close();
    }
  }
}
