package org.seakeeper.depcache;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections that remember the request target exactly as the request line sent it. Jetty
 * hands handlers an absolute URI either way (built from the Host header for origin-form), so this
 * is how the cache tells {@code GET /path} from {@code GET http://host/path} (proxying) and refuses
 * the latter even when it names the cache's own host. Relies on Jetty's {@code
 * HttpConnection.RequestHandler}, which the compiler checks on every Jetty upgrade.
 */
final class RequestLineTracking extends HttpConnectionFactory {

  RequestLineTracking(HttpConfiguration configuration) {
    super(configuration);
  }

  /** The target of the request line of the request being handled on this connection, if known. */
  static String target(ConnectionMetaData connection) {
    return connection instanceof Tracking t ? t.target : null;
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    Tracking connection = new Tracking(getHttpConfiguration(), connector, endPoint);
    connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
    return configure(connection, connector, endPoint);
  }

  private static final class Tracking extends HttpConnection {
    private volatile String target;

    Tracking(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
      super(configuration, connector, endPoint);
    }

    @Override
    protected RequestHandler newRequestHandler() {
      return new RequestHandler() {
        @Override
        public void startRequest(String method, String uri, HttpVersion version) {
          target = uri;
          super.startRequest(method, uri, version);
        }
      };
    }
  }
}
