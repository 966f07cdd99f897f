package dev.tokenledger.proxy;

import dev.tokenledger.metering.KeyIdentifier;
import dev.tokenledger.metering.MeterPath;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageExtractor;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.UsageEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Queue;

/**
 * One request of a client connection ({@link ClientHandler}) and its answer, from the request's
 * head to the record: forwarded upstream, retried once when it may be, its usage read on the way
 * back. Runs on the connection's event loop, like its owner.
 */
final class ProxyExchange {
  private final ClientHandler owner;

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

  /** Whether the whole request was read from the client. */
  boolean requestDone() {
    return requestDone;
  }

  /** Whether the upstream connection was made and the request sent on it. */
  boolean connected() {
    return connected;
  }

  /** The run the request's path names. */
  String runId() {
    return path.runId();
  }

  ProxyExchange(ClientHandler owner, HttpRequest clientRequest) {
    this.owner = owner;
    this.clientRequest = clientRequest;
    this.startedAt = owner.settings.clock().instant();
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
      owner.exchange = null;
      owner.sendError(
          HttpResponseStatus.BAD_REQUEST,
          "tokenledger proxy: malformed run tag in the path "
              + rawPath
              + "; use the base URL tokenledger gave (http://host:port/r/<run>/s/<step>/v1)",
          "invalid_request_error",
          false);
      return;
    }
    path = parsed.get();
    upstreamTarget = owner.settings.upstream().target(path.rest(), rawQuery);
    endpoint = UsageExtractor.endpointFor(path.rest());
    key = identify(clientRequest.headers().get(HttpHeaderNames.AUTHORIZATION));
    buffered =
        clientRequest.method().equals(HttpMethod.POST) && path.rest().equals("/chat/completions");
    if (buffered) {
      body = owner.client.alloc().compositeBuffer(Integer.MAX_VALUE);
    } else {
      pendingOut.add(owner.upstreamHead(clientRequest, upstreamTarget, -1, false));
      connect();
    }
  }

  private KeyIdentifier.KeyRef identify(String authorization) {
    String value = ClientHandler.bearerKey(authorization);
    if (value == null) {
      return null;
    }
    try {
      return owner.settings.keys().identify(value);
    } catch (RuntimeException e) {
      note = "the key could not be identified";
      return null;
    }
  }

  void requestContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (buffered) {
      body.addComponent(true, content.content());
      if (last) {
        requestDone = true;
        owner.client.config().setAutoRead(false);
        sendBuffered();
      }
      return;
    }
    if (last) {
      requestDone = true;
      owner.client.config().setAutoRead(false);
    }
    if (connected && owner.upstream != null) {
      if (last) {
        owner.upstream.writeAndFlush(content);
      } else {
        owner.upstream.write(content);
        if (!owner.upstream.isWritable()) {
          owner.upstream.flush();
          if (!owner.upstream.isWritable()) {
            owner.client.config().setAutoRead(false);
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
    pendingOut.add(owner.fullRequest(clientRequest, upstreamTarget, out, injected));
    connect();
  }

  private void connect() {
    if (owner.upstream != null
        && owner.upstream.isActive()
        && System.nanoTime() - owner.upstreamIdleSince < owner.MAX_IDLE_NANOS) {
      ready();
      return;
    }
    owner.closeUpstream();
    owner.upstream =
        owner.openUpstream(
            (ChannelFutureListener)
                f -> {
                  if (owner.exchange != this || finished) {
                    f.channel().close();
                    return;
                  }
                  if (!f.isSuccess()) {
                    unreachable(f.cause());
                    return;
                  }
                  ready();
                });
  }

  private void ready() {
    connected = true;
    Object m;
    while ((m = pendingOut.poll()) != null) {
      owner.upstream.write(m);
    }
    owner.upstream.flush();
  }

  private void unreachable(Throwable cause) {
    releasePending();
    String why = cause == null ? "connection failed" : String.valueOf(cause.getMessage());
    String message =
        "tokenledger proxy: cannot reach the upstream "
            + owner.settings.upstream().describe()
            + ": "
            + why;
    status = 502;
    note = "upstream unreachable: " + why;
    forcedState = UsageState.NONE;
    responseStarted = true;
    byte[] bodyBytes = ClientHandler.errorBody(message, "upstream_unreachable");
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
    owner.upstream = null;
    owner.client.writeAndFlush(r).addListener(f -> complete(keep && f.isSuccess()));
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
      held = owner.client.alloc().compositeBuffer(Integer.MAX_VALUE);
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
    owner.copyEndToEnd(r.headers(), out.headers());
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
    owner.client.write(out);
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
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.wrappedBuffer(out.toByteArray()));
        end.trailingHeaders().set(((LastHttpContent) c).trailingHeaders());
        c.release();
        endResponse(end);
      } else {
        c.release();
        if (out.size() > 0) {
          owner.client.write(new DefaultHttpContent(Unpooled.wrappedBuffer(out.toByteArray())));
        }
      }
    } else {
      if (decoded != null) {
        decoded.feed(c.content());
      }
      if (last) {
        endResponse((LastHttpContent) c);
      } else {
        owner.client.write(c);
      }
    }
    if (!last && !owner.client.isWritable() && owner.upstream != null) {
      // a flush may make the client writable again at once (its event has then already passed)
      owner.client.flush();
      if (!owner.client.isWritable()) {
        owner.upstream.config().setAutoRead(false);
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
      Channel u = owner.upstream;
      if (upstreamClose || u == null || !u.isActive()) {
        owner.closeUpstream();
        connected = false;
        pendingOut.add(owner.fullRequest(clientRequest, upstreamTarget, original, false));
        owner.upstreamIdleSince = 0;
        connect();
      } else {
        u.writeAndFlush(owner.fullRequest(clientRequest, upstreamTarget, original, false));
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
      owner.closeUpstream();
    } else if (owner.upstream != null) {
      owner.upstreamIdleSince = System.nanoTime();
      owner.upstream.config().setAutoRead(true);
    }
    owner
        .client
        .writeAndFlush(last)
        .addListener((ChannelFutureListener) f -> complete(keep && f.isSuccess()));
  }

  /** The upstream connection closed (or failed) while this exchange used it. */
  void upstreamGone(Throwable cause) {
    if (finished || responseDone) {
      return;
    }
    owner.upstream = null;
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
          ClientHandler.errorBody(
              "tokenledger proxy: the upstream "
                  + owner.settings.upstream().describe()
                  + " closed the connection before answering",
              "upstream_unreachable");
      DefaultFullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY, Unpooled.wrappedBuffer(b));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, b.length);
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      owner.client.writeAndFlush(r).addListener(f -> complete(false));
      return;
    }
    // cut mid-answer: the client's connection is cut too, so it sees the failure
    note = "the upstream closed the connection mid-response";
    forcedState = UsageState.INTERRUPTED;
    if (held != null) {
      held.release();
      held = null;
    }
    owner.client.close();
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
    owner.closeUpstream();
    complete(false);
  }

  /** Records the exchange once, and readies the connection for the next request. */
  private void complete(boolean keepAlive) {
    if (finished) {
      return;
    }
    finished = true;
    Instant end = owner.settings.clock().instant();
    Instant finishedAt = end.isBefore(startedAt) ? startedAt : end;
    record(finishedAt);
    if (owner.exchange == this) {
      owner.exchange = null;
    }
    if (!keepAlive) {
      owner.client.close();
      return;
    }
    owner.client.config().setAutoRead(true);
    Object m;
    while (owner.exchange == null && (m = owner.waiting.poll()) != null) {
      owner.dispatch(m);
    }
    while (owner.exchange != null
        && !owner.exchange.requestDone
        && (m = owner.waiting.poll()) != null) {
      owner.dispatch(m);
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
    owner
        .settings
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
