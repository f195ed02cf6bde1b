package org.seakeeper.core.secret;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looks up the secrets a job declares and applies the {@link SecretPolicy} to each: all are
 * granted, or the build gets none and learns why. Stateless.
 */
public final class SecretResolver {
  private SecretResolver() {}

  /** The outcome for one build. */
  public sealed interface Resolution {
    /** Every declared secret, by name, in declaration order. */
    record Granted(Map<String, SecretValue> values) implements Resolution {
      public Granted {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
      }
    }

    /**
     * A secret is missing or not granted (a config problem: the admin or the config must change).
     */
    record Refused(String detail) implements Resolution {}

    /** A secret exists but cannot be read (wrong key, tampered data, store down). */
    record Unreadable(String detail) implements Resolution {}
  }

  public static Resolution resolve(
      SecretStore store, SecretPolicy.BuildContext build, List<String> names) {
    Map<String, SecretValue> granted = new LinkedHashMap<>();
    List<String> refused = new ArrayList<>();
    for (String name : names) {
      Optional<SecretStore.Secret> s;
      try {
        s = store.get(build.connection(), build.project(), name);
      } catch (SecretStore.UnreadableSecretException e) {
        return new Resolution.Unreadable("secret '" + name + "' cannot be read: " + e.getMessage());
      } catch (RuntimeException e) {
        return new Resolution.Unreadable(
            "secret '" + name + "' cannot be read: " + e.getClass().getSimpleName());
      }
      if (s.isEmpty()) {
        refused.add(
            "secret '"
                + name
                + "' is not set for project "
                + build.project()
                + " of connection "
                + build.connection()
                + " (an admin sets it with: seakeeper secrets set --connection "
                + build.connection()
                + " "
                + build.project()
                + " "
                + name
                + ")");
        continue;
      }
      SecretPolicy.Decision d = SecretPolicy.decide(s.get().binding(), build);
      if (d instanceof SecretPolicy.Decision.Refused r) {
        refused.add(
            "secret '"
                + name
                + "' is not granted to this "
                + build.pipeline().id()
                + " build: "
                + r.reason());
      } else {
        granted.put(name, s.get().value());
      }
    }
    if (!refused.isEmpty()) {
      return new Resolution.Refused(String.join("\n", refused));
    }
    return new Resolution.Granted(granted);
  }
}
