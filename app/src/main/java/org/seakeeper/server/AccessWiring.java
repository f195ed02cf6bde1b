package org.seakeeper.server;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.seakeeper.auth.OidcLogin;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.store.JdbiStore;
import org.seakeeper.web.AccessSettings;

/**
 * People, roles and audit for the web server (docs/contracts.md §9): the store's access records,
 * the config's {@code auth} section, and the OIDC login when {@code auth.oidc} is set (its client
 * secret read from {@code client_secret_file}; the redirect URI is {@code
 * PUBLIC_URL/login/callback}).
 */
final class AccessWiring {
  private AccessWiring() {}

  static AccessSettings settings(ServerConfig cfg, JdbiStore store, Clock clock)
      throws IOException {
    ServerConfig.Auth auth = cfg.auth();
    Optional<OidcLogin> login = Optional.empty();
    if (auth.oidc().isPresent()) {
      ServerConfig.Oidc o = auth.oidc().get();
      Optional<String> secret = Optional.empty();
      if (o.clientSecretFile().isPresent()) {
        Path file = Path.of(o.clientSecretFile().get());
        try {
          secret = Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
          throw new IOException(
              "cannot read auth.oidc.client_secret_file " + file + ": " + e.getMessage(), e);
        }
      }
      String base = cfg.http().publicUrl();
      URI redirect = URI.create((base.endsWith("/") ? base : base + "/") + "login/callback");
      login = Optional.of(new OidcLogin(o, secret, redirect, clock));
    }
    return new AccessSettings(store.access(), auth, login, clock);
  }
}
