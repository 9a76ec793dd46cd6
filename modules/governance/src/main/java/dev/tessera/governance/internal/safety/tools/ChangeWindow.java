package dev.tessera.governance.internal.safety.tools;

import dev.tessera.tenancy.api.InvalidInputException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a tool may run, in UTC: days (a range like {@code MON-FRI} or a list like {@code SAT,SUN})
 * and a time range, e.g. {@code MON-FRI 09:00-17:00}. A range ending before it starts spans
 * midnight.
 */
record ChangeWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to) {
  private static final Pattern FORM =
      Pattern.compile("([A-Z]{3}(?:-[A-Z]{3}|(?:,[A-Z]{3})*)) (\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

  static ChangeWindow parse(String text) {
    Matcher m = FORM.matcher(text.strip().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw InvalidInputException.field(
          "changeWindow", "like MON-FRI 09:00-17:00 or SAT,SUN 00:00-06:00 (UTC)");
    }
    try {
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      String d = m.group(1);
      if (d.contains("-")) {
        DayOfWeek a = day(d.substring(0, 3));
        DayOfWeek b = day(d.substring(4));
        for (DayOfWeek x = a; ; x = x.plus(1)) {
          days.add(x);
          if (x == b) {
            break;
          }
        }
      } else {
        for (String s : d.split(",")) {
          days.add(day(s));
        }
      }
      return new ChangeWindow(days, LocalTime.parse(m.group(2)), LocalTime.parse(m.group(3)));
    } catch (RuntimeException e) {
      throw InvalidInputException.field(
          "changeWindow", "like MON-FRI 09:00-17:00 or SAT,SUN 00:00-06:00 (UTC)");
    }
  }

  private static DayOfWeek day(String three) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().startsWith(three)) {
        return d;
      }
    }
    throw new IllegalArgumentException(three);
  }

  boolean contains(ZonedDateTime when) {
    ZonedDateTime utc = when.withZoneSameInstant(ZoneOffset.UTC);
    LocalTime t = utc.toLocalTime();
    if (!from.isAfter(to)) {
      return days.contains(utc.getDayOfWeek()) && !t.isBefore(from) && t.isBefore(to);
    }
    // spans midnight: the part after midnight belongs to the previous day's window
    return (days.contains(utc.getDayOfWeek()) && !t.isBefore(from))
        || (days.contains(utc.getDayOfWeek().minus(1)) && t.isBefore(to));
  }
}
