package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault relay itself, in front of a tiny loopback HTTP server that echoes method, path and
 * body.
 */
class FaultRelayTest {
  private HttpServer target;
  private FaultRelay relay;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @BeforeEach
  void start() throws IOException {
    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    target.createContext(
        "/",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          byte[] out =
              (x.getRequestMethod()
                      + " "
                      + x.getRequestURI()
                      + " "
                      + new String(body, StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, out.length);
          x.getResponseBody().write(out);
          x.close();
        });
    target.start();
    relay = FaultRelay.http(target.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    relay.close();
    target.stop(0);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + path))
            .timeout(Duration.ofMillis(800))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pass_forwards_requests_on_kept_alive_connections_and_records_them() throws Exception {
    assertThat(send("GET", "/a/changes/?q=x", null).body()).isEqualTo("GET /a/changes/?q=x ");
    assertThat(send("POST", "/a/changes/1/review", "{\"message\":\"hi\"}").body())
        .isEqualTo("POST /a/changes/1/review {\"message\":\"hi\"}");
    assertThat(relay.requests()).containsExactly("GET /a/changes/?q=x", "POST /a/changes/1/review");
  }

  @Test
  void hang_answers_nothing_on_new_and_open_connections_until_pass() throws Exception {
    assertThat(send("GET", "/before", null).statusCode())
        .isEqualTo(200); // leaves a pooled connection open
    relay.hang();
    assertThatThrownBy(() -> send("GET", "/hung", null)).isInstanceOf(HttpTimeoutException.class);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
      s.setSoTimeout(300);
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(java.net.SocketTimeoutException.class);
    }
    relay.pass();
    assertThat(send("GET", "/after", null).body()).isEqualTo("GET /after ");
  }

  @Test
  void refuse_closes_the_port_and_pass_reopens_it_on_the_same_port() throws Exception {
    int port = relay.port();
    relay.refuse();
    // Nothing listens now: a connect is refused. On Linux a connect to a free ephemeral port can
    // also pick that very port as its source and connect to itself (TCP simultaneous open): such
    // a socket has the port at both ends, so it proves no listener took it either.
    for (int i = 0; i < 3; i++) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        assertThat(s.getLocalPort()).as("accepted by a listener on a refused port").isEqualTo(port);
      } catch (ConnectException refused) {
        // what is expected
      }
    }
    relay.pass();
    assertThat(relay.port()).isEqualTo(port);
    assertThat(send("GET", "/back", null).body()).isEqualTo("GET /back ");
  }

  @Test
  void cut_closes_open_connections_now() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
      s.setSoTimeout(2000);
      Await.until(
          "a relayed connection is open",
          Duration.ofSeconds(5),
          () -> relay.openConnections() >= 1);
      relay.cut();
      InputStream in = s.getInputStream();
      int r;
      try {
        r = in.read();
      } catch (java.net.SocketException reset) {
        r = -1;
      }
      assertThat(r).isEqualTo(-1);
    }
    assertThat(send("GET", "/still-passing", null).statusCode()).isEqualTo(200);
  }

  @Test
  void fail_http_answers_503_to_the_next_n_matching_requests_then_passes() throws Exception {
    relay.failHttp(2, p -> p.endsWith("/submit"));
    assertThat(send("POST", "/a/changes/p~1/submit", "{}").statusCode()).isEqualTo(503);
    assertThat(send("GET", "/a/changes/p~1", null).statusCode())
        .as("other paths pass")
        .isEqualTo(200);
    assertThat(send("POST", "/a/changes/p~1/submit", "{}").statusCode()).isEqualTo(503);
    HttpResponse<String> third = send("POST", "/a/changes/p~1/submit", "{}");
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(third.body()).isEqualTo("POST /a/changes/p~1/submit {}");
    assertThat(relay.failedRequests()).isEqualTo(2);
  }

  @Test
  void a_tcp_relay_copies_bytes_both_ways() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        FaultRelay tcp = FaultRelay.tcp(echo.getLocalPort())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket s = echo.accept()) {
                  s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException e) {
                  // test over
                }
              });
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
        s.setSoTimeout(2000);
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
            .isEqualTo("ping");
      }
    }
  }
}
