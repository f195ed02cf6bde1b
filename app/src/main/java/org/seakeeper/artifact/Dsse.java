package org.seakeeper.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Dead Simple Signing Envelopes (DSSE v1): the pre-authentication encoding that is signed, and the
 * envelope JSON {@code {"payloadType", "payload", "signatures": [{"keyid", "sig"}]}} with the
 * payload and signature in standard base64. Stateless.
 */
public final class Dsse {
  /** The payload type of in-toto statements. */
  public static final String IN_TOTO = "application/vnd.in-toto+json";

  static final ObjectMapper JSON = new ObjectMapper();

  private Dsse() {}

  /** {@code PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}. */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** The envelope of {@code payload} signed by {@code key}, as one line of JSON. */
  public static String sign(SigningKey key, String payloadType, byte[] payload) {
    ObjectNode env = JSON.createObjectNode();
    env.put("payloadType", payloadType);
    env.put("payload", Base64.getEncoder().encodeToString(payload));
    ObjectNode sig = env.putArray("signatures").addObject();
    sig.put("keyid", key.keyId());
    sig.put("sig", Base64.getEncoder().encodeToString(key.sign(pae(payloadType, payload))));
    return env.toString();
  }

  /** Whether {@code sig} is {@code key}'s Ed25519 signature of {@code message}. */
  static boolean verifyRaw(PublicKey key, byte[] message, byte[] sig) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Reads an envelope; throws IllegalArgumentException saying what is wrong with it. */
  static JsonNode read(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null
          || !n.isObject()
          || !n.path("payloadType").isTextual()
          || !n.path("payload").isTextual()
          || !n.path("signatures").isArray()) {
        throw new IllegalArgumentException(
            "it has no payloadType, payload and signatures (not a DSSE envelope)");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("it is not JSON", e);
    }
  }
}
