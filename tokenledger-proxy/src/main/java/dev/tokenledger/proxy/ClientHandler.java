package dev.tokenledger.proxy;

import dev.tokenledger.metering.KeyIdentifier;
import dev.tokenledger.metering.MeterPath;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageExtractor;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.UsageEndpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
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
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
  private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);

  private static final int CONNECT_TIMEOUT_MILLIS = 30_000;

  private final MeteringProxy.Settings settings;
  private Channel client;
  private Channel upstream;
  private long upstreamIdleSince;
  private Exchange exchange;

  /** Messages of a pipelined request that came while one was still answered. */
  private final Queue<Object> waiting = new ArrayDeque<>();

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
    if (exchange != null && exchange.requestDone || !waiting.isEmpty()) {
      waiting.add(msg);
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
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
      exchange = new Exchange(request);
      exchange.begin();
    }
    if (msg instanceof HttpContent content) {
      if (exchange == null || exchange.requestDone) {
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
              exchange == null ? null : exchange.path.runId(),
              "the proxy failed on a client connection: " + cause,
              cause);
    }
    ctx.close();
  }

  private void closeUpstream() {
    if (upstream != null) {
      Channel u = upstream;
      upstream = null;
      u.close();
    }
  }

  /** Sends an answer of the proxy's own, in OpenAI's error shape. */
  private void sendError(
      HttpResponseStatus status, String message, String type, boolean keepAlive) {
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

  /** Copies headers except hop-by-hop ones and those the {@code Connection} header names. */
  private static void copyEndToEnd(HttpHeaders from, HttpHeaders to) {
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

  // ------------------------------------------------------------------ one request

  /** One request and its answer, from the request's head to the record. */
  private final class Exchange {
    private final HttpRequest clientRequest;
    private final Instant startedAt;
    private final boolean clientKeepAlive;
    private MeterPath path;
    private String method;
    private String upstreamTarget;
    private KeyIdentifier.KeyRef key;
    private UsageEndpoint endpoint;
    private String requestModel;
    private String note;

    // request side
    private boolean buffered;
    private CompositeByteBuf body;
    private byte[] original;
    private boolean injected;
    private boolean requestDone;
    private final Queue<Object> pendingOut = new ArrayDeque<>();
    private boolean connected;

    // response side
    private boolean retried;
    private boolean holdForRetry;
    private HttpResponse heldHead;
    private CompositeByteBuf held;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean skipInformational;
    private int status;
    private String requestId;
    private boolean streamed;
    private boolean upstreamClose;
    private UsageReader reader;
    private DecodedCopy decoded;
    private EventStream stripper;
    private boolean finished;
    private UsageState forcedState;

    Exchange(HttpRequest clientRequest) {
      this.clientRequest = clientRequest;
      this.startedAt = settings.clock().instant();
      this.clientKeepAlive = HttpUtil.isKeepAlive(clientRequest);
    }

    void begin() {
      method = clientRequest.method().name();
      String uri = clientRequest.uri();
      String rawPath = uri;
      String rawQuery = null;
      if (!uri.startsWith("/")) {
        // absolute form: keep the path and query only
        int scheme = uri.indexOf("://");
        int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
        rawPath = slash < 0 ? "/" : uri.substring(slash);
      }
      int q = rawPath.indexOf('?');
      if (q >= 0) {
        rawQuery = rawPath.substring(q + 1);
        rawPath = rawPath.substring(0, q);
      }
      var parsed = MeterPath.parse(rawPath);
      if (parsed.isEmpty()) {
        requestDone = true;
        exchange = null;
        sendError(
            HttpResponseStatus.BAD_REQUEST,
            "tokenledger proxy: malformed run tag in the path "
                + rawPath
                + "; use the base URL tokenledger gave (http://host:port/r/<run>/s/<step>/v1)",
            "invalid_request_error",
            false);
        return;
      }
      path = parsed.get();
      upstreamTarget = settings.upstream().target(path.rest(), rawQuery);
      endpoint = UsageExtractor.endpointFor(path.rest());
      key = identify(clientRequest.headers().get(HttpHeaderNames.AUTHORIZATION));
      buffered =
          clientRequest.method().equals(HttpMethod.POST) && path.rest().equals("/chat/completions");
      if (buffered) {
        body = client.alloc().compositeBuffer(Integer.MAX_VALUE);
      } else {
        pendingOut.add(upstreamHead(-1, false));
        connect();
      }
    }

    private KeyIdentifier.KeyRef identify(String authorization) {
      if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return null;
      }
      String value = authorization.substring(7).trim();
      if (value.isEmpty()) {
        return null;
      }
      try {
        return settings.keys().identify(value);
      } catch (RuntimeException e) {
        note = "the key could not be identified";
        return null;
      }
    }

    /** The request head to send upstream; {@code length} -1 keeps the client's framing. */
    private HttpRequest upstreamHead(long length, boolean identity) {
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

    void requestContent(HttpContent content) {
      boolean last = content instanceof LastHttpContent;
      if (buffered) {
        body.addComponent(true, content.content());
        if (last) {
          requestDone = true;
          client.config().setAutoRead(false);
          sendBuffered();
        }
        return;
      }
      if (last) {
        requestDone = true;
        client.config().setAutoRead(false);
      }
      if (connected && upstream != null) {
        if (last) {
          upstream.writeAndFlush(content);
        } else {
          upstream.write(content);
          if (!upstream.isWritable()) {
            upstream.flush();
            if (!upstream.isWritable()) {
              client.config().setAutoRead(false);
            }
          }
        }
      } else {
        pendingOut.add(content);
      }
    }

    private void sendBuffered() {
      original = ByteBufUtil.getBytes(body);
      body.release();
      body = null;
      StreamOptions.Request r = StreamOptions.read(original);
      requestModel = r.model();
      injected = r.injectedUsage();
      byte[] out = injected ? r.injected() : original;
      pendingOut.add(full(out, injected));
      connect();
    }

    private DefaultFullHttpRequest full(byte[] bytes, boolean identity) {
      HttpRequest head = upstreamHead(bytes.length, identity);
      DefaultFullHttpRequest r =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, head.method(), head.uri(), Unpooled.wrappedBuffer(bytes));
      r.headers().set(head.headers());
      return r;
    }

    private void connect() {
      if (upstream != null
          && upstream.isActive()
          && System.nanoTime() - upstreamIdleSince < MAX_IDLE_NANOS) {
        ready();
        return;
      }
      closeUpstream();
      Upstream u = settings.upstream();
      Channel ch =
          new Bootstrap()
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
              .addListener(
                  (ChannelFutureListener)
                      f -> {
                        if (exchange != this || finished) {
                          f.channel().close();
                          return;
                        }
                        if (!f.isSuccess()) {
                          unreachable(f.cause());
                          return;
                        }
                        ready();
                      })
              .channel();
      upstream = ch;
    }

    private void ready() {
      connected = true;
      Object m;
      while ((m = pendingOut.poll()) != null) {
        upstream.write(m);
      }
      upstream.flush();
    }

    private void unreachable(Throwable cause) {
      releasePending();
      String why = cause == null ? "connection failed" : String.valueOf(cause.getMessage());
      String message =
          "tokenledger proxy: cannot reach the upstream "
              + settings.upstream().describe()
              + ": "
              + why;
      status = 502;
      note = "upstream unreachable: " + why;
      forcedState = UsageState.NONE;
      responseStarted = true;
      byte[] bodyBytes = errorBody(message, "upstream_unreachable");
      DefaultFullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.BAD_GATEWAY,
              Unpooled.wrappedBuffer(bodyBytes));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bodyBytes.length);
      boolean keep = clientKeepAlive && requestDone;
      if (!keep) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      upstream = null;
      client.writeAndFlush(r).addListener(f -> complete(keep && f.isSuccess()));
    }

    private void releasePending() {
      pendingOut.forEach(ReferenceCountUtil::release);
      pendingOut.clear();
      if (body != null) {
        body.release();
        body = null;
      }
    }

    // ---------------------------------------------------------------- the answer

    void responseHead(HttpResponse r) {
      if (r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
        skipInformational = true;
        return;
      }
      status = r.status().code();
      requestId = r.headers().get("x-request-id");
      upstreamClose = !HttpUtil.isKeepAlive(r);
      String type = r.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
      String encoding = r.headers().get(HttpHeaderNames.CONTENT_ENCODING);
      if (injected && status == 400 && !retried) {
        holdForRetry = true;
        heldHead = r;
        held = client.alloc().compositeBuffer(Integer.MAX_VALUE);
        return;
      }
      streamed = type.startsWith("text/event-stream");
      if (streamed) {
        reader = UsageReader.eventStream();
      } else if (type.startsWith("application/json") || type.contains("+json")) {
        reader = UsageReader.json();
      }
      boolean identity = encoding == null || encoding.equalsIgnoreCase("identity");
      if (injected && status == 200 && streamed && identity) {
        UsageReader observer = reader;
        stripper =
            new EventStream(
                e -> {
                  observer.onEvent(e);
                  return ChatChunks.strip(e);
                });
      } else if (injected) {
        // not a stream that can be rewritten (an error, or compressed against our asking)
        if (status == 200 && streamed) {
          note = "usage was asked for but the stream came encoded; passed on unstripped";
        }
        decoded = reader == null ? null : DecodedCopy.of(reader, encoding);
      } else if (reader != null) {
        decoded = DecodedCopy.of(reader, encoding);
      }
      HttpResponse out = new DefaultHttpResponse(clientRequest.protocolVersion(), r.status());
      copyEndToEnd(r.headers(), out.headers());
      if (stripper != null) {
        out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
      }
      boolean framed = out.headers().contains(HttpHeaderNames.CONTENT_LENGTH) || !hasBody(r);
      if (!framed && clientRequest.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
        out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      if (!clientKeepAlive || (!framed && !HttpUtil.isTransferEncodingChunked(out))) {
        out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      responseStarted = true;
      client.write(out);
    }

    private boolean hasBody(HttpResponse r) {
      int code = r.status().code();
      return !(clientRequest.method().equals(HttpMethod.HEAD) || code == 204 || code == 304);
    }

    void responseContent(HttpContent c) {
      boolean last = c instanceof LastHttpContent;
      if (skipInformational) {
        c.release();
        if (last) {
          skipInformational = false;
        }
        return;
      }
      if (holdForRetry) {
        held.addComponent(true, c.content().retain());
        c.release();
        if (last) {
          decideRetry();
        }
        return;
      }
      if (!responseStarted || responseDone) {
        c.release();
        return;
      }
      if (stripper != null) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf in = c.content();
        byte[] bytes = ByteBufUtil.getBytes(in);
        stripper.feed(bytes, 0, bytes.length, out);
        if (last) {
          stripper.finish(out);
          LastHttpContent end =
              new DefaultLastHttpContent(Unpooled.wrappedBuffer(out.toByteArray()));
          end.trailingHeaders().set(((LastHttpContent) c).trailingHeaders());
          c.release();
          endResponse(end);
        } else {
          c.release();
          if (out.size() > 0) {
            client.write(new DefaultHttpContent(Unpooled.wrappedBuffer(out.toByteArray())));
          }
        }
      } else {
        if (decoded != null) {
          decoded.feed(c.content());
        }
        if (last) {
          endResponse((LastHttpContent) c);
        } else {
          client.write(c);
        }
      }
      if (!last && !client.isWritable() && upstream != null) {
        // a flush may make the client writable again at once (its event has then already passed)
        client.flush();
        if (!client.isWritable()) {
          upstream.config().setAutoRead(false);
        }
      }
    }

    private void decideRetry() {
      holdForRetry = false;
      String text = held.toString(StandardCharsets.UTF_8);
      if (text.contains("stream_options")) {
        // an OpenAI-compatible upstream that rejects stream_options: send what the client sent
        held.release();
        held = null;
        heldHead = null;
        retried = true;
        injected = false;
        forcedState = UsageState.UNKNOWN;
        note =
            "the upstream refused stream_options; the request was sent again as the client sent it";
        Channel u = upstream;
        if (upstreamClose || u == null || !u.isActive()) {
          closeUpstream();
          connected = false;
          pendingOut.add(full(original, false));
          upstreamIdleSince = 0;
          connect();
        } else {
          u.writeAndFlush(full(original, false));
        }
        return;
      }
      // an ordinary 400: pass it on as it came
      HttpResponse head = heldHead;
      ByteBuf bytes = held;
      held = null;
      heldHead = null;
      injected = false;
      responseHead(head);
      responseContent(new DefaultLastHttpContent(bytes));
    }

    private void endResponse(LastHttpContent last) {
      responseDone = true;
      boolean keep = clientKeepAlive && requestDone;
      if (upstreamClose) {
        closeUpstream();
      } else if (upstream != null) {
        upstreamIdleSince = System.nanoTime();
        upstream.config().setAutoRead(true);
      }
      client
          .writeAndFlush(last)
          .addListener((ChannelFutureListener) f -> complete(keep && f.isSuccess()));
    }

    /** The upstream connection closed (or failed) while this exchange used it. */
    void upstreamGone(Throwable cause) {
      if (finished || responseDone) {
        return;
      }
      upstream = null;
      if (!responseStarted && !holdForRetry) {
        if (!connected) {
          unreachable(cause);
          return;
        }
        // the request went out but no answer came: the upstream may have used tokens
        releasePending();
        note = "the upstream closed the connection before answering";
        status = 502;
        forcedState = endpoint == null ? UsageState.NONE : UsageState.INTERRUPTED;
        responseStarted = true;
        byte[] b =
            errorBody(
                "tokenledger proxy: the upstream "
                    + settings.upstream().describe()
                    + " closed the connection before answering",
                "upstream_unreachable");
        DefaultFullHttpResponse r =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY, Unpooled.wrappedBuffer(b));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, b.length);
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        client.writeAndFlush(r).addListener(f -> complete(false));
        return;
      }
      // cut mid-answer: the client's connection is cut too, so it sees the failure
      note = "the upstream closed the connection mid-response";
      forcedState = UsageState.INTERRUPTED;
      if (held != null) {
        held.release();
        held = null;
      }
      client.close();
      complete(false);
    }

    /** The client went away before its answer was complete. */
    void clientGone() {
      if (finished) {
        return;
      }
      if (!responseStarted) {
        status = 499;
      }
      if (!responseDone) {
        note = "the client closed the connection before the answer was complete";
        forcedState = UsageState.INTERRUPTED;
      }
      releasePending();
      if (held != null) {
        held.release();
        held = null;
      }
      closeUpstream();
      complete(false);
    }

    /** Records the exchange once, and readies the connection for the next request. */
    private void complete(boolean keepAlive) {
      if (finished) {
        return;
      }
      finished = true;
      Instant end = settings.clock().instant();
      Instant finishedAt = end.isBefore(startedAt) ? startedAt : end;
      record(finishedAt);
      if (exchange == this) {
        exchange = null;
      }
      if (!keepAlive) {
        client.close();
        return;
      }
      client.config().setAutoRead(true);
      Object m;
      while (exchange == null && (m = waiting.poll()) != null) {
        dispatch(m);
      }
      while (exchange != null && !exchange.requestDone && (m = waiting.poll()) != null) {
        dispatch(m);
      }
    }

    private void record(Instant finishedAt) {
      DecodedCopy copy = decoded;
      UsageReader r = reader;
      boolean complete = forcedState == null;
      boolean needsDecode = complete && copy != null;
      if (!complete && copy != null) {
        copy.discard();
      }
      MeterPath p = path;
      settings
          .recorder()
          .record(
              p.runId(),
              () -> {
                // decoding a brotli copy may take a while: done here, on the sink's thread
                String why = needsDecode ? copy.finish() : null;
                if (complete && stripper != null) {
                  r.finish();
                }
                return build(finishedAt, r, why);
              });
    }

    private MeteredRequest build(Instant finishedAt, UsageReader r, String decodeNote) {
      MeteredUsage usage = r == null ? null : r.usage();
      String model = r != null && r.model() != null ? r.model() : requestModel;
      UsageState state;
      String why = note;
      if (usage != null && forcedState != UsageState.UNKNOWN) {
        state = UsageState.REPORTED;
      } else if (forcedState != null) {
        state = forcedState;
        usage = null;
      } else {
        state = UsageState.NONE;
        if (decodeNote != null) {
          why = decodeNote;
        } else if (r != null && r.note() != null && why == null) {
          why = r.note();
        }
      }
      int code = status == 0 ? 502 : status;
      return new MeteredRequest(
          path.runId(),
          path.stepIndex(),
          key == null ? null : key.fingerprint(),
          key == null ? null : key.apiKeyId(),
          method,
          path.rest().isEmpty() ? "/" : path.rest(),
          endpoint,
          model,
          startedAt,
          finishedAt,
          code,
          requestId,
          streamed,
          state,
          usage,
          why);
    }
  }

  // ------------------------------------------------------------------ the upstream side

  /** Passes the upstream's answer to the exchange that owns the connection. */
  private final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Exchange e = exchange;
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
      if (ctx.channel().isWritable() && exchange != null && !exchange.requestDone) {
        client.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Exchange e = exchange;
      if (e != null && (ctx.channel() == upstream || upstream == null && e.connected)) {
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
                exchange == null ? null : exchange.path.runId(),
                "the proxy failed on an upstream connection: " + cause,
                cause);
      }
      ctx.close();
    }
  }
}
