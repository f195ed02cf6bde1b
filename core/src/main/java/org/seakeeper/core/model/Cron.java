package org.seakeeper.core.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Optional;

/**
 * A five-field cron expression in UTC ({@code minute hour day-of-month month day-of-week}) with
 * {@code *}, numbers, lists, ranges and steps, plus {@code @hourly}, {@code @daily},
 * {@code @weekly}. Immutable and thread-safe.
 */
public final class Cron {
  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;

  private Cron(String text, BitSet[] f) {
    this.text = text;
    this.minutes = f[0];
    this.hours = f[1];
    this.days = f[2];
    this.months = f[3];
    this.weekdays = f[4];
  }

  /** The default periodic schedule (docs/contracts.md §1): daily at 03:00 UTC. */
  public static final Cron DAILY_0300 = parse("0 3 * * *").orElseThrow();

  public static Optional<Cron> parse(String text) {
    String t =
        switch (text.strip()) {
          case "@hourly" -> "0 * * * *";
          case "@daily", "@midnight" -> "0 0 * * *";
          case "@weekly" -> "0 0 * * 0";
          default -> text.strip();
        };
    String[] parts = t.split("\\s+");
    if (parts.length != 5) {
      return Optional.empty();
    }
    int[][] ranges = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
    BitSet[] f = new BitSet[5];
    for (int i = 0; i < 5; i++) {
      Optional<BitSet> b = field(parts[i], ranges[i][0], ranges[i][1]);
      if (b.isEmpty()) {
        return Optional.empty();
      }
      f[i] = b.get();
    }
    if (f[4].get(7)) {
      f[4].set(0);
    }
    return Optional.of(new Cron(text.strip(), f));
  }

  private static Optional<BitSet> field(String s, int min, int max) {
    BitSet b = new BitSet();
    for (String item : s.split(",")) {
      int step = 1;
      String range = item;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        try {
          step = Integer.parseInt(item.substring(slash + 1));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
        range = item.substring(0, slash);
        if (step < 1) {
          return Optional.empty();
        }
      }
      int lo;
      int hi;
      try {
        if (range.equals("*")) {
          lo = min;
          hi = max;
        } else if (range.contains("-")) {
          lo = Integer.parseInt(range.substring(0, range.indexOf('-')));
          hi = Integer.parseInt(range.substring(range.indexOf('-') + 1));
        } else {
          lo = Integer.parseInt(range);
          hi = slash >= 0 ? max : lo;
        }
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (lo < min || hi > max || lo > hi) {
        return Optional.empty();
      }
      for (int v = lo; v <= hi; v += step) {
        b.set(v);
      }
    }
    return Optional.of(b);
  }

  /** The latest scheduled minute at or before {@code t} (searching back at most 366 days). */
  public Optional<Instant> latestAtOrBefore(Instant t) {
    ZonedDateTime z = t.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    for (int i = 0; i < 366 * 24 * 60; i++) {
      if (matches(z)) {
        return Optional.of(z.toInstant());
      }
      z = z.minusMinutes(1);
    }
    return Optional.empty();
  }

  boolean matches(ZonedDateTime z) {
    return minutes.get(z.getMinute())
        && hours.get(z.getHour())
        && days.get(z.getDayOfMonth())
        && months.get(z.getMonthValue())
        && weekdays.get(z.getDayOfWeek().getValue() % 7);
  }

  @Override
  public String toString() {
    return text;
  }
}
