package dev.tokenledger.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * One client connection: takes its requests one at a time, forwards each over one upstream
 * connection of its own (kept alive between requests, opened anew when the upstream closed it or it
 * sat idle), and streams the answer back. Everything runs on the client channel's event loop, which
 * the upstream channel shares.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
  /** Hop-by-hop headers (RFC 9110 §7.6.1), never forwarded. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization");

  /** An upstream connection idle this long is not reused: the upstream may be closing it. */
  static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);

  static final int CONNECT_TIMEOUT_MILLIS = 30_000;

  final MeteringProxy.Settings settings;
  Channel client;
  Channel upstream;
  long upstreamIdleSince;
  ProxyExchange exchange;

  /** Messages of a pipelined request that came while one was still answered. */
  final Queue<Object> waiting = new ArrayDeque<>();

  ClientHandler(MeteringProxy.Settings settings) {
    this.settings = settings;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ctx.channel();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange != null && exchange.requestDone() || !waiting.isEmpty()) {
      waiting.add(msg);
      return;
    }
    dispatch(msg);
  }

  void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        sendError(
            HttpResponseStatus.BAD_REQUEST,
            "tokenledger proxy: the request could not be read as HTTP: "
                + request.decoderResult().cause().getMessage(),
            "invalid_request_error",
            false);
        return;
      }
      exchange = new ProxyExchange(this, request);
      exchange.begin();
    }
    if (msg instanceof HttpContent content) {
      if (exchange == null || exchange.requestDone()) {
        content.release();
        return;
      }
      exchange.requestContent(content);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (client.isWritable() && upstream != null && exchange != null) {
      upstream.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.clientGone();
    }
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
    closeUpstream();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      settings
          .recorder()
          .fail(
              exchange == null ? null : exchange.runId(),
              "the proxy failed on a client connection: " + cause,
              cause);
    }
    ctx.close();
  }

  void closeUpstream() {
    if (upstream != null) {
      Channel u = upstream;
      upstream = null;
      u.close();
    }
  }

  /**
   * Opens a connection to the upstream on the client's event loop (TLS with host-name checking when
   * the upstream is https), its answers passed to the current exchange.
   */
  Channel openUpstream(ChannelFutureListener onConnect) {
    Upstream u = settings.upstream();
    return new Bootstrap()
        .group(client.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel c) {
                if (u.ssl() != null) {
                  SslHandler ssl = u.ssl().newHandler(c.alloc(), u.host(), u.port());
                  SSLEngine engine = ssl.engine();
                  SSLParameters p = engine.getSSLParameters();
                  p.setEndpointIdentificationAlgorithm("HTTPS");
                  engine.setSSLParameters(p);
                  c.pipeline().addLast(ssl);
                }
                c.pipeline().addLast(new HttpClientCodec(), new UpstreamHandler());
              }
            })
        .connect(u.host(), u.port())
        .addListener(onConnect)
        .channel();
  }

  /** Sends an answer of the proxy's own, in OpenAI's error shape. */
  void sendError(HttpResponseStatus status, String message, String type, boolean keepAlive) {
    byte[] body = errorBody(message, type);
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (!keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var f = client.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  static byte[] errorBody(String message, String type) {
    StringBuilder json = new StringBuilder("{\"error\":{\"message\":\"");
    for (char c : message.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append("\",\"type\":\"").append(type).append("\",\"param\":null,\"code\":null}}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The request head to send upstream; {@code length} -1 keeps the client's framing. */
  HttpRequest upstreamHead(
      HttpRequest clientRequest, String upstreamTarget, long length, boolean identity) {
    HttpRequest r =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, clientRequest.method(), upstreamTarget);
    copyEndToEnd(clientRequest.headers(), r.headers());
    r.headers().set(HttpHeaderNames.HOST, settings.upstream().hostHeader());
    if (length >= 0) {
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    } else if (HttpUtil.isTransferEncodingChunked(clientRequest)) {
      r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (identity) {
      // the stream is rewritten event by event: it must come uncompressed
      r.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
    }
    return r;
  }

  /** The whole request to send upstream, with {@code bytes} as its body. */
  DefaultFullHttpRequest fullRequest(
      HttpRequest clientRequest, String upstreamTarget, byte[] bytes, boolean identity) {
    HttpRequest head = upstreamHead(clientRequest, upstreamTarget, bytes.length, identity);
    DefaultFullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, head.method(), head.uri(), Unpooled.wrappedBuffer(bytes));
    r.headers().set(head.headers());
    return r;
  }

  /** The key of an {@code Authorization: Bearer} header; null when there is none. */
  static String bearerKey(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String value = authorization.substring(7).trim();
    return value.isEmpty() ? null : value;
  }

  /** Copies headers except hop-by-hop ones and those the {@code Connection} header names. */
  static void copyEndToEnd(HttpHeaders from, HttpHeaders to) {
    Set<String> named = new java.util.HashSet<>();
    for (String c : from.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : c.split(",")) {
        named.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    for (var it = from.iteratorAsString(); it.hasNext(); ) {
      var e = it.next();
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !name.startsWith("proxy-")) {
        to.add(e.getKey(), e.getValue());
      }
    }
  }

  // ------------------------------------------------------------------ the upstream side

  /** Passes the upstream's answer to the exchange that owns the connection. */
  final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ProxyExchange e = exchange;
      if (e == null || ctx.channel() != upstream) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpResponse r) {
        if (r.decoderResult().isFailure()) {
          ReferenceCountUtil.release(msg);
          ctx.close();
          return;
        }
        e.responseHead(r);
      }
      if (msg instanceof HttpContent c) {
        e.responseContent(c);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (client != null) {
        client.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable() && exchange != null && !exchange.requestDone()) {
        client.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ProxyExchange e = exchange;
      if (e != null && (ctx.channel() == upstream || upstream == null && e.connected())) {
        e.upstreamGone(null);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof IOException)
          && !(cause instanceof io.netty.handler.codec.DecoderException)) {
        settings
            .recorder()
            .fail(
                exchange == null ? null : exchange.runId(),
                "the proxy failed on an upstream connection: " + cause,
                cause);
      }
      ctx.close();
    }
  }
}
