package org.seakeeper.web;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.seakeeper.auth.OidcLogin;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.AccessStore;

/**
 * What the web server needs for people, roles and audit (docs/contracts.md §9).
 *
 * @param store the audit trail, API tokens and granted roles
 * @param auth the server config's {@code auth} section and private projects
 * @param oidc the OpenID Connect login; empty: {@code /login} says login is not configured
 */
public record AccessSettings(
    AccessStore store, ServerConfig.Auth auth, Optional<OidcLogin> oidc, Clock clock) {
  public AccessSettings {
    Objects.requireNonNull(store);
    Objects.requireNonNull(auth);
    Objects.requireNonNull(oidc);
    Objects.requireNonNull(clock);
  }
}
