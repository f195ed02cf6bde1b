package org.seakeeper.gerrit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.seakeeper.core.model.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gerrit stream-events} over SSH with Apache MINA sshd, as the CI account with its private
 * key. The server's host key is trusted on first use and remembered in the connection's state
 * directory; a different key later is refused (a clear log line says which file to delete when the
 * Gerrit's key really changed). Connecting, authenticating and opening the channel each end within
 * the connection's timeouts; heartbeats detect a dead peer; there is no idle timeout. One client
 * per connection; {@link #open} once per (re)connect. Thread-safe.
 */
final class SshStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SshStream.class);

  private final ServerConfig.Ssh ssh;
  private final String user;
  private final Path knownHostKey;
  private final SshClient client;
  private final GerritRest.Timeouts timeouts;

  /** An open stream: its lines, until the channel closes. Close to end it. */
  record Open(ClientSession session, ChannelExec channel, BufferedReader lines)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        channel.close(true);
        session.close(true);
      } catch (RuntimeException e) {
        log.debug("closing the stream", e);
      }
    }
  }

  /**
   * Connects within {@code timeouts.connect()}; authentication and opening the channel each within
   * {@code timeouts.request()}.
   */
  SshStream(ServerConfig.Ssh ssh, String user, Path stateDir, GerritRest.Timeouts timeouts) {
    this.ssh = ssh;
    this.timeouts = timeouts;
    this.user = user;
    this.knownHostKey = stateDir.resolve("ssh-host-key");
    client = SshClient.setUpDefaultClient();
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(15));
    CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, Duration.ofSeconds(10));
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
    client.setServerKeyVerifier(this::verifyHostKey);
    client.start();
  }

  /** Connects, authenticates and starts {@code gerrit stream-events}. */
  Open open() throws IOException {
    List<KeyPair> keys = new ArrayList<>();
    try {
      new FileKeyPairProvider(Path.of(ssh.key())).loadKeys(null).forEach(keys::add);
    } catch (RuntimeException e) {
      throw new IOException("cannot read the SSH key " + ssh.key() + ": " + e.getMessage(), e);
    }
    if (keys.isEmpty()) {
      throw new IOException("no usable SSH key in " + ssh.key());
    }
    ClientSession session =
        client.connect(user, ssh.host(), ssh.port()).verify(timeouts.connect()).getSession();
    try {
      keys.forEach(session::addPublicKeyIdentity);
      session.auth().verify(timeouts.request());
      ChannelExec ch = session.createExecChannel("gerrit stream-events");
      ch.open().verify(timeouts.request());
      return new Open(
          session,
          ch,
          new BufferedReader(new InputStreamReader(ch.getInvertedOut(), StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      session.close(true);
      throw e;
    }
  }

  private boolean verifyHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
    String fingerprint = KeyUtils.getFingerPrint(key);
    try {
      if (!Files.exists(knownHostKey)) {
        Files.createDirectories(knownHostKey.getParent());
        Files.writeString(knownHostKey, fingerprint + "\n", StandardCharsets.UTF_8);
        log.info(
            "gerrit ssh {}:{}: host key {} trusted on first use (kept in {})",
            ssh.host(),
            ssh.port(),
            fingerprint,
            knownHostKey);
        return true;
      }
      String known = Files.readString(knownHostKey, StandardCharsets.UTF_8).strip();
      if (known.equals(fingerprint)) {
        return true;
      }
      log.error(
          "gerrit ssh {}:{}: host key {} differs from the remembered {}; refusing to connect"
              + " (delete {} if the Gerrit's key really changed)",
          ssh.host(),
          ssh.port(),
          fingerprint,
          known,
          knownHostKey);
      return false;
    } catch (IOException e) {
      log.error("gerrit ssh: cannot keep the host key in {}: {}", knownHostKey, e.toString());
      return false;
    }
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (RuntimeException e) {
      log.debug("stopping the ssh client", e);
    }
  }
}
