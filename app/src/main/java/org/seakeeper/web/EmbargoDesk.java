package org.seakeeper.web;

import java.util.List;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.store.Embargo;

/**
 * What the web needs to take embargoed changes (docs/contracts.md §1, release from a private
 * source): submit a patch, list and read the marks, publish. Implemented by the server ({@code
 * EmbargoService}); {@link #NONE} where there is none. Callers have checked the admin token.
 */
public interface EmbargoDesk {
  /**
   * Applies {@code patch} onto {@code base} of {@code source}/{@code project} in a private
   * repository and queues the release pipeline on the result, hidden until published.
   *
   * @throws ApiError with the HTTP status, code and a message for the submitter
   */
  Embargo submit(String source, String project, String base, byte[] patch, String by);

  /** Every mark, newest first. */
  List<Embargo> list();

  Optional<Embargo> get(String id);

  /** The builds of an embargo, oldest first (every attempt). */
  List<Build> builds(String id);

  /**
   * Makes its builds public; false when it was already published. @throws ApiError 404 when unknown
   */
  boolean publish(String id, String by);

  /** No embargo support: every call is a 404. */
  EmbargoDesk NONE =
      new EmbargoDesk() {
        private ApiError off() {
          return new ApiError(404, "not_found", "This server takes no embargoed changes.");
        }

        @Override
        public Embargo submit(String source, String project, String base, byte[] patch, String by) {
          throw off();
        }

        @Override
        public List<Embargo> list() {
          return List.of();
        }

        @Override
        public Optional<Embargo> get(String id) {
          return Optional.empty();
        }

        @Override
        public List<Build> builds(String id) {
          return List.of();
        }

        @Override
        public boolean publish(String id, String by) {
          throw off();
        }
      };
}
