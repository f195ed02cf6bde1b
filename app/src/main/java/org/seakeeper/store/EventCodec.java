package org.seakeeper.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.List;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.PipelineName;

/**
 * Turns {@link TriggerEvent}s into the JSON kept in the inbox's {@code payload} column and back.
 * The JSON is an object of the record's components plus {@code "type"}: {@code ref_updated}, {@code
 * change_proposed}, {@code periodic}, {@code manual}, {@code recheck}, {@code change_abandoned},
 * {@code approvals_changed} or {@code embargoed}. Instants are ISO-8601 strings, pipelines their
 * lower-case ids, empty optionals {@code null}; unknown properties are ignored on reading, so rows
 * written by a newer version still load. Also encodes the {@code needs} list of a build.
 * Thread-safe and immutable.
 */
public final class EventCodec {
  /** The stored names of the event kinds; every permitted subclass of TriggerEvent has one. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = TriggerEvent.RefUpdated.class, name = "ref_updated"),
    @JsonSubTypes.Type(value = TriggerEvent.ChangeProposed.class, name = "change_proposed"),
    @JsonSubTypes.Type(value = TriggerEvent.Periodic.class, name = "periodic"),
    @JsonSubTypes.Type(value = TriggerEvent.Manual.class, name = "manual"),
    @JsonSubTypes.Type(value = TriggerEvent.Recheck.class, name = "recheck"),
    @JsonSubTypes.Type(value = TriggerEvent.ChangeAbandoned.class, name = "change_abandoned"),
    @JsonSubTypes.Type(value = TriggerEvent.ApprovalsChanged.class, name = "approvals_changed"),
    @JsonSubTypes.Type(value = TriggerEvent.Embargoed.class, name = "embargoed")
  })
  private interface TypedEvent {}

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final ObjectMapper mapper;

  public EventCodec() {
    SimpleModule pipelines = new SimpleModule("seakeeper-pipelines");
    pipelines.addSerializer(
        PipelineName.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(
              PipelineName value, JsonGenerator gen, SerializerProvider serializers)
              throws IOException {
            gen.writeString(value.id());
          }
        });
    pipelines.addDeserializer(
        PipelineName.class,
        new JsonDeserializer<>() {
          @Override
          public PipelineName deserialize(JsonParser p, DeserializationContext ctxt)
              throws IOException {
            String id = p.getValueAsString();
            return PipelineName.parse(id)
                .orElseThrow(() -> new IOException("unknown pipeline '" + id + "'"));
          }
        });
    mapper =
        JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .addModule(pipelines)
            .addMixIn(TriggerEvent.class, TypedEvent.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();
  }

  /** The JSON of an event, with its {@code type}. */
  public String encode(TriggerEvent event) {
    try {
      return mapper.writerFor(TriggerEvent.class).writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode event " + event + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The event of a JSON text written by {@link #encode}. */
  public TriggerEvent decode(String json) {
    try {
      return mapper.readValue(json, TriggerEvent.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot decode stored event: " + e.getOriginalMessage(), e);
    }
  }

  /** A list of strings as a JSON array (a build's {@code needs}). */
  public String encodeStrings(List<String> values) {
    try {
      return mapper.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  public List<String> decodeStrings(String json) {
    try {
      return List.copyOf(mapper.readValue(json, STRINGS));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot decode stored list: " + e.getOriginalMessage(), e);
    }
  }
}
