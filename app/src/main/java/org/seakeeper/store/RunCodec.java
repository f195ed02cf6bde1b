package org.seakeeper.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.build.RunConfig;

/**
 * Turns a build's {@link RunConfig} into the JSON kept in {@code build_runs.config} and back: an
 * object with the keys {@code name}, {@code script}, {@code image}, {@code timeout_seconds}, {@code
 * needs}, {@code artifacts}, {@code secrets}, {@code variables} (an object, in declaration order),
 * {@code retries}, {@code checkout_depth}, {@code branches}, {@code files}, {@code ignore_files},
 * {@code description} and {@code cut}. Missing keys read as empty, so rows written by another
 * version still load. Thread-safe.
 */
final class RunCodec {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private RunCodec() {}

  static String encode(RunConfig c) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", c.name());
    o.put("script", c.script());
    o.put("image", c.image());
    o.put("timeout_seconds", c.timeout().toSeconds());
    strings(o.putArray("needs"), c.needs());
    strings(o.putArray("artifacts"), c.artifacts());
    strings(o.putArray("secrets"), c.secrets());
    ObjectNode vars = o.putObject("variables");
    c.variables().forEach(vars::put);
    o.put("retries", c.retries());
    o.put("checkout_depth", c.checkoutDepth());
    strings(o.putArray("branches"), c.branches());
    strings(o.putArray("files"), c.files());
    strings(o.putArray("ignore_files"), c.ignoreFiles());
    o.put("description", c.description());
    strings(o.putArray("cut"), c.cut());
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  static RunConfig decode(String json) {
    JsonNode o;
    try {
      o = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot decode a stored run config: " + e.getOriginalMessage(), e);
    }
    Map<String, String> vars = new LinkedHashMap<>();
    o.path("variables").properties().forEach(e -> vars.put(e.getKey(), e.getValue().asText()));
    return new RunConfig(
        o.path("name").asText(),
        o.path("script").asText(),
        o.path("image").asText(),
        Duration.ofSeconds(o.path("timeout_seconds").asLong()),
        strings(o.path("needs")),
        strings(o.path("artifacts")),
        strings(o.path("secrets")),
        vars,
        o.path("retries").asInt(),
        o.path("checkout_depth").asInt(),
        strings(o.path("branches")),
        strings(o.path("files")),
        strings(o.path("ignore_files")),
        o.path("description").asText(),
        strings(o.path("cut")));
  }

  /** A list of names as a JSON array ({@code build_runs.secrets}). */
  static String encodeNames(List<String> names) {
    ArrayNode a = MAPPER.createArrayNode();
    strings(a, names);
    return a.toString();
  }

  static List<String> decodeNames(String json) {
    try {
      return strings(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot decode stored secret names: " + e.getOriginalMessage(), e);
    }
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }
}
