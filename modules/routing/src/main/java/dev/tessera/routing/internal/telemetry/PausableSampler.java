package dev.tessera.routing.internal.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.logging.Logger;

/**
 * Wraps whatever sampler {@code OTEL_TRACES_SAMPLER} chose so that tracing can be paused at run
 * time ({@code PUT /api/v1/telemetry}): while paused every span is dropped, Payara's own JAX-RS
 * spans included, and Tessera's code skips its spans altogether. Payara builds the SDK through
 * OpenTelemetry's autoconfiguration with the application's class loader, which finds this provider
 * in {@code META-INF/services}; the SDK is built outside CDI, hence the static switch.
 */
public final class PausableSampler implements Sampler {
  private static volatile boolean paused;

  private final Sampler configured;

  PausableSampler(Sampler configured) {
    this.configured = configured;
  }

  static void pause(boolean pause) {
    paused = pause;
  }

  static boolean paused() {
    return paused;
  }

  @Override
  public SamplingResult shouldSample(
      Context parent,
      String traceId,
      String name,
      SpanKind kind,
      Attributes attributes,
      List<LinkData> links) {
    return paused
        ? SamplingResult.drop()
        : configured.shouldSample(parent, traceId, name, kind, attributes, links);
  }

  @Override
  public String getDescription() {
    return "Pausable{" + configured.getDescription() + "}";
  }

  /** Registered in META-INF/services: wraps the configured sampler. */
  public static final class Customizer implements AutoConfigurationCustomizerProvider {
    @Override
    public void customize(AutoConfigurationCustomizer customizer) {
      customizer.addSamplerCustomizer(
          (sampler, config) -> {
            Logger.getLogger(PausableSampler.class.getName())
                .info(
                    "OBS-0016 traces sampled by "
                        + sampler.getDescription()
                        + "; PUT /api/v1/telemetry can pause them");
            return new PausableSampler(sampler);
          });
    }
  }
}
