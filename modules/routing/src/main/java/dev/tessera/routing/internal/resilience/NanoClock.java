package dev.tessera.routing.internal.resilience;

/**
 * A monotonic nanosecond clock, injectable so breaker cool-downs and health windows can be tested
 * without sleeping.
 */
@FunctionalInterface
public interface NanoClock {
  NanoClock SYSTEM = System::nanoTime;

  long nanoTime();
}
