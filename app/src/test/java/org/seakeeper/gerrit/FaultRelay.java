package org.seakeeper.gerrit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A TCP relay for fault injection in tests: listens on a free loopback port and forwards every
 * connection to a target port on loopback. The test switches its behaviour at any time:
 *
 * <ul>
 *   <li>{@link #pass}: forward both ways (the listening socket is reopened on the same port if it
 *       was closed; connections that hung are cut first, their streams lost bytes).
 *   <li>{@link #hang}: connections are accepted and read, and nothing is answered: bytes from
 *       either side are dropped, on new and on open connections.
 *   <li>{@link #refuse}: the listening socket is closed (connects are refused) and every open
 *       connection is cut.
 *   <li>{@link #cut}: every open connection is closed now; the mode stays.
 *   <li>{@link #failHttp} (an HTTP relay only): the next {@code n} requests whose path matches are
 *       answered {@code 503 Service Unavailable} by the relay, without reaching the target; other
 *       requests pass.
 * </ul>
 *
 * An HTTP relay ({@link #http}) reads HTTP/1.1 requests (heads, Content-Length or chunked bodies)
 * to find each request's path and records them ({@link #requests}); a {@link #tcp} relay copies
 * bytes. Thread-safe; close it after the test.
 */
final class FaultRelay implements AutoCloseable {
  enum Mode {
    PASS,
    HANG,
    REFUSE
  }

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final int target;
  private final boolean http;
  private final int port;
  private final Set<Conn> open = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failLeft = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile Predicate<String> failWhen = p -> false;
  private volatile Mode mode = Mode.PASS;
  private volatile boolean closed;
  private ServerSocket listener;

  private FaultRelay(int target, boolean http) throws IOException {
    this.target = target;
    this.http = http;
    this.listener = listen(0);
    this.port = listener.getLocalPort();
    acceptOn(listener);
  }

  /** A relay that reads HTTP requests (for {@link #failHttp} and {@link #requests}). */
  static FaultRelay http(int targetPort) throws IOException {
    return new FaultRelay(targetPort, true);
  }

  /** A relay that copies bytes (SSH, anything). */
  static FaultRelay tcp(int targetPort) throws IOException {
    return new FaultRelay(targetPort, false);
  }

  int port() {
    return port;
  }

  Mode mode() {
    return mode;
  }

  /** Forward both ways (reopening the listening socket when refusing). */
  synchronized void pass() throws IOException {
    if (mode == Mode.HANG) {
      cut();
    }
    reopen();
    mode = Mode.PASS;
  }

  /** Accept and read, never answer. */
  synchronized void hang() throws IOException {
    reopen();
    mode = Mode.HANG;
  }

  /** Close the listening socket (connects are refused) and every open connection. */
  synchronized void refuse() throws IOException {
    mode = Mode.REFUSE;
    listener.close();
    cut();
  }

  /** Close every open connection now. */
  void cut() {
    for (Conn c : List.copyOf(open)) {
      c.close();
    }
  }

  /** Answer the next {@code n} requests whose path matches with 503 (an HTTP relay only). */
  void failHttp(int n, Predicate<String> path) {
    if (!http) {
      throw new IllegalStateException("not an HTTP relay");
    }
    failWhen = path;
    failLeft.set(n);
  }

  /** How many requests the relay answered 503. */
  int failedRequests() {
    return failed.get();
  }

  /** Every request read, as {@code METHOD path}, in order (an HTTP relay only). */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many connections the relay accepted since it started (in any mode). */
  int accepted() {
    return accepted.get();
  }

  /** How many connections are open now. */
  int openConnections() {
    return open.size();
  }

  @Override
  public synchronized void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing
    }
    cut();
  }

  private void reopen() throws IOException {
    if (listener.isClosed() && !closed) {
      listener = listen(port);
      acceptOn(listener);
    }
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(LOOPBACK, port), 50);
    return s;
  }

  private void acceptOn(ServerSocket s) {
    Thread.ofPlatform()
        .daemon()
        .name("fault-relay-" + port)
        .start(
            () -> {
              while (!s.isClosed()) {
                Socket client;
                try {
                  client = s.accept();
                } catch (IOException e) {
                  return;
                }
                accepted.incrementAndGet();
                Conn c = new Conn(client);
                open.add(c);
                Thread.ofVirtual().start(c::start);
              }
            });
  }

  /**
   * One relayed connection: the client's socket and, unless it hung from the start, the target's.
   */
  private final class Conn {
    final Socket client;
    volatile Socket upstream;

    Conn(Socket client) {
      this.client = client;
    }

    void start() {
      try {
        if (mode != Mode.HANG) {
          Socket u = new Socket();
          u.connect(new InetSocketAddress(LOOPBACK, target), 5000);
          upstream = u;
          Thread.ofVirtual().start(this::toClient);
        }
        if (http) {
          requests();
        } else {
          bytes();
        }
      } catch (IOException e) {
        // the connection ended (cut, closed by a side, target down)
      } finally {
        close();
      }
    }

    /** Client to target, raw. */
    private void bytes() throws IOException {
      InputStream in = client.getInputStream();
      byte[] buf = new byte[16384];
      for (int n; (n = in.read(buf)) >= 0; ) {
        Socket u = upstream;
        if (mode != Mode.HANG && u != null) {
          u.getOutputStream().write(buf, 0, n);
        }
      }
    }

    /** Client to target, one HTTP request at a time. */
    private void requests() throws IOException {
      InputStream in = new BufferedInputStream(client.getInputStream());
      while (true) {
        byte[] head = head(in);
        if (head == null) {
          return;
        }
        if (mode == Mode.HANG || upstream == null) {
          in.transferTo(OutputStream.nullOutputStream()); // until cut
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] line = text.substring(0, text.indexOf("\r\n")).split(" ");
        String path = line.length > 1 ? line[1] : "";
        requests.add(line[0] + " " + path);
        long length = 0;
        boolean chunked = false;
        boolean expect = false;
        for (String h : text.split("\r\n")) {
          String lower = h.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            length = Long.parseLong(h.substring(h.indexOf(':') + 1).strip());
          } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
            chunked = true;
          } else if (lower.startsWith("expect:") && lower.contains("100-continue")) {
            expect = true;
          }
        }
        if (failWhen.test(path) && failLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          failed.incrementAndGet();
          OutputStream out = client.getOutputStream();
          if (!expect) {
            body(in, OutputStream.nullOutputStream(), length, chunked);
          }
          byte[] msg = "relay: service unavailable\n".getBytes(StandardCharsets.US_ASCII);
          out.write(
              ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: "
                      + msg.length
                      + (expect ? "\r\nConnection: close" : "")
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(msg);
          out.flush();
          if (expect) {
            client.shutdownOutput();
            in.transferTo(OutputStream.nullOutputStream());
            return;
          }
          continue;
        }
        OutputStream up = upstream.getOutputStream();
        up.write(head);
        body(in, up, length, chunked);
        up.flush();
      }
    }

    /** Target to client. */
    private void toClient() {
      try {
        InputStream in = upstream.getInputStream();
        OutputStream out = client.getOutputStream();
        byte[] buf = new byte[16384];
        for (int n; (n = in.read(buf)) >= 0; ) {
          if (mode != Mode.HANG) {
            out.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // the connection ended
      } finally {
        close();
      }
    }

    void close() {
      open.remove(this);
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private static void closeQuietly(Socket s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** A request's head up to and including the blank line; null at the end of the stream. */
  private static byte[] head(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        if (b.size() == 0) {
          return null;
        }
        throw new SocketException("the stream ended inside a request head");
      }
      b.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2))
              ? state + 1
              : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
      if (b.size() > 65536) {
        throw new SocketException("request head over 64 KiB");
      }
    }
    return b.toByteArray();
  }

  /** Copies a request body: {@code length} bytes, or chunks up to the last one and its trailers. */
  private static void body(InputStream in, OutputStream out, long length, boolean chunked)
      throws IOException {
    if (!chunked) {
      copy(in, out, length);
      return;
    }
    while (true) {
      String size = line(in, out);
      int semi = size.indexOf(';');
      long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
      if (n == 0) {
        while (!line(in, out).isEmpty()) {
          // trailers
        }
        return;
      }
      copy(in, out, n);
      line(in, out); // the CRLF after the data
    }
  }

  /** Reads one CRLF-terminated line, copying it; returns it without the CRLF. */
  private static String line(InputStream in, OutputStream out) throws IOException {
    List<Byte> bytes = new ArrayList<>();
    int prev = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new SocketException("the stream ended inside a chunked body");
      }
      out.write(c);
      if (prev == '\r' && c == '\n') {
        byte[] a = new byte[bytes.size() - 1];
        for (int i = 0; i < a.length; i++) {
          a[i] = bytes.get(i);
        }
        return new String(a, StandardCharsets.ISO_8859_1);
      }
      bytes.add((byte) c);
      prev = c;
    }
  }

  private static void copy(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[16384];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new SocketException("the stream ended inside a body");
      }
      out.write(buf, 0, r);
      n -= r;
    }
  }
}
