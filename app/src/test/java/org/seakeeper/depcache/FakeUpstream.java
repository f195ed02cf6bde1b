package org.seakeeper.depcache;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server standing in for a registry, a files host or a canary: serves the routes a
 * test gives it (404 for the rest) and records every request it receives.
 */
final class FakeUpstream implements AutoCloseable {
  /** How one path answers. */
  @FunctionalInterface
  interface Route {
    void answer(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final List<String> requests = new ArrayList<>();

  FakeUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getRawPath();
          synchronized (requests) {
            requests.add(exchange.getRequestMethod() + " " + path);
          }
          try {
            Route route = routes.get(path);
            if (route == null) {
              exchange.sendResponseHeaders(404, -1);
            } else {
              route.answer(exchange);
            }
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  /** Serves {@code body} at {@code path}. */
  FakeUpstream file(String path, byte[] body) {
    return route(path, ex -> send(ex, 200, body));
  }

  FakeUpstream route(String path, Route route) {
    routes.put(path, route);
    return this;
  }

  static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  URI base(String prefix) {
    return URI.create("http://127.0.0.1:" + port() + prefix);
  }

  /** How many requests reached {@code path}. */
  long count(String path) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.endsWith(" " + path)).count();
    }
  }

  /** Every request received, as {@code METHOD path}. */
  List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
