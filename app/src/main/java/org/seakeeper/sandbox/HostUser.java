package org.seakeeper.sandbox;

/**
 * The host account a tier's sandboxes are started as. {@code switchUser} is false when Seakeeper
 * itself runs unprivileged and every tier runs as the invoking user. Immutable.
 */
public record HostUser(String name, int uid, int gid, boolean switchUser) {}
