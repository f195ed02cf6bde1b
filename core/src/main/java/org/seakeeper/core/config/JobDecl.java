package org.seakeeper.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.model.When;

/**
 * One job as written in a file, before {@code extends} is applied. A null field means the key was
 * absent (so it may be inherited). Immutable.
 */
public record JobDecl(
    String name,
    Pos namePos,
    Located<String> run,
    Located<Duration> timeout,
    Located<String> image,
    Located<String> extendsName,
    List<Located<String>> needs,
    List<Located<String>> artifacts,
    List<Located<String>> secrets,
    Map<String, String> variables,
    Located<Integer> retries,
    Located<Integer> checkoutDepth,
    When when,
    Located<Map<String, List<String>>> matrix,
    String description) {}
