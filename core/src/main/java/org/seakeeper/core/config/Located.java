package org.seakeeper.core.config;

/** A value read from a config file together with where it was written. Immutable. */
public record Located<T>(T value, Pos pos) {}
