package dev.tessera.routing.internal.telemetry;

import dev.tessera.routing.api.Usage;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The gateway's series on /metrics, named after the OpenTelemetry GenAI semantic conventions where
 * they exist ({@code gen_ai.server.request.duration} becomes {@code
 * gen_ai_server_request_duration_seconds}, attributes become labels with underscores) and {@code
 * tessera_*} otherwise. Instruments are looked up once per label set and kept, so recording on the
 * request path is a map lookup and an update: no formatting, no registry search. Prompt and answer
 * text never become a label: models, providers, routes, kinds and bounded tenant ids only.
 */
@ApplicationScoped
public class GenAiMetrics {
  private static final Logger LOG = Logger.getLogger(GenAiMetrics.class.getName());

  static final String OPERATION = "gen_ai_operation_name";
  static final String PROVIDER = "gen_ai_provider_name";
  static final String REQUEST_MODEL = "gen_ai_request_model";
  static final String RESPONSE_MODEL = "gen_ai_response_model";
  static final String ERROR = "error_type";
  static final String TOKEN_TYPE = "gen_ai_token_type";

  static final Metadata REQUEST_DURATION =
      timer(
          "gen_ai.server.request.duration",
          "Time from the gateway receiving a request to its last byte");
  static final Metadata TIME_TO_FIRST_TOKEN =
      timer("gen_ai.server.time_to_first_token", "Time to the first streamed chunk (streams only)");
  static final Metadata TIME_PER_OUTPUT_TOKEN =
      timer(
          "gen_ai.server.time_per_output_token",
          "Time per output token after the first (streams only)");
  static final Metadata OPERATION_DURATION =
      timer("gen_ai.client.operation.duration", "Duration of each upstream provider attempt");

  /**
   * In microseconds, as a plain histogram: MicroProfile's timer buckets cannot go below a
   * millisecond, and the gateway's own share of a request is usually well below one.
   */
  static final Metadata OVERHEAD =
      Metadata.builder()
          .withName("tessera.gateway.overhead.microseconds")
          .withDescription("Time of a request not spent waiting for a provider, in microseconds")
          .build();

  static final Metadata TOKEN_USAGE =
      Metadata.builder()
          .withName("gen_ai.client.token.usage")
          .withDescription("Tokens per call by type (input, output, cached input)")
          .build();

  private static Metadata timer(String name, String description) {
    return Metadata.builder()
        .withName(name)
        .withDescription(description)
        .withUnit(MetricUnits.NANOSECONDS)
        .build();
  }

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  MetricRegistry registry;

  /**
   * TESSERA_METRICS_ENABLED: false records nothing (the benchmark's "metrics off"); the start value
   * of {@link #enabled}, which {@code PUT /api/v1/telemetry} can change.
   */
  @Inject
  @ConfigProperty(name = "tessera.metrics.enabled", defaultValue = "true")
  boolean enabledAtStart;

  private volatile boolean enabled;

  /** Gauges waiting for metrics to be turned on (registered once, then left in place). */
  private final List<Runnable> onFirstEnable = new ArrayList<>();

  /** TESSERA_METRICS_TENANT_LABELS: how many tenants get a label of their own (0: none). */
  @Inject
  @ConfigProperty(name = "tessera.metrics.tenant-labels", defaultValue = "100")
  int tenantLabelLimit;

  private TenantLabels tenants;

  /** One label set of a request's series. */
  private record SeriesKey(
      String operation, String provider, String requestModel, String responseModel, String error) {}

  private record AttemptKey(String provider, String model, String error) {}

  private record TenantKey(String name, String tenant) {}

  private record CounterKey(String name, String value) {}

  private final Map<SeriesKey, Series> series = new ConcurrentHashMap<>();
  private final Map<AttemptKey, Timer> attempts = new ConcurrentHashMap<>();
  private final Map<String, Histogram> overhead = new ConcurrentHashMap<>();
  private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
  private final Map<TenantKey, Counter> tenantCounters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> tenantGauges = new ConcurrentHashMap<>();
  private final Map<String, Boolean> gauges = new ConcurrentHashMap<>();

  @PostConstruct
  void init() {
    tenants = new TenantLabels(tenantLabelLimit);
    enabled = enabledAtStart;
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * Runs {@code registration} now if metrics are on, else the first time they are turned on: how
   * the gauges register, so that an instance started without metrics gets them when switched on.
   */
  public void whenEnabled(Runnable registration) {
    synchronized (onFirstEnable) {
      if (!enabled) {
        onFirstEnable.add(registration);
        return;
      }
    }
    registration.run();
  }

  /** Pauses or resumes recording; series already registered stay on /metrics with their values. */
  void switchTo(boolean on) {
    List<Runnable> pending;
    synchronized (onFirstEnable) {
      enabled = on;
      if (!on) {
        return;
      }
      pending = List.copyOf(onFirstEnable);
      onFirstEnable.clear();
    }
    pending.forEach(Runnable::run);
  }

  public String tenantLabel(TenantId tenant) {
    return tenants.of(tenant);
  }

  /** The instruments of one label set of a request. */
  public final class Series {
    private final Tag[] tags;
    private final Timer duration;
    private final Histogram input;
    private final Histogram output;
    private final Histogram cached;
    private volatile Timer ttft;
    private volatile Timer tpot;

    private Series(SeriesKey k) {
      tags =
          new Tag[] {
            new Tag(OPERATION, k.operation()),
            new Tag(PROVIDER, k.provider()),
            new Tag(REQUEST_MODEL, k.requestModel()),
            new Tag(RESPONSE_MODEL, k.responseModel()),
            new Tag(ERROR, k.error())
          };
      duration = registry.timer(REQUEST_DURATION, tags);
      if (k.error().isEmpty()) {
        input = tokens(k, "input");
        output = tokens(k, "output");
        cached = tokens(k, "cached");
      } else {
        input = output = cached = null;
      }
    }

    private Histogram tokens(SeriesKey k, String type) {
      return registry.histogram(
          TOKEN_USAGE,
          new Tag(OPERATION, k.operation()),
          new Tag(PROVIDER, k.provider()),
          new Tag(REQUEST_MODEL, k.requestModel()),
          new Tag(RESPONSE_MODEL, k.responseModel()),
          new Tag(TOKEN_TYPE, type));
    }

    public void duration(long nanos) {
      duration.update(Duration.ofNanos(nanos));
    }

    public void usage(Usage usage) {
      if (usage == null || input == null) {
        return;
      }
      input.update(usage.promptTokens());
      output.update(usage.completionTokens());
      if (usage.cachedTokens() > 0) {
        cached.update(usage.cachedTokens());
      }
    }

    /** Streams only: time to the first chunk, and per output token after it. */
    public void streamed(long firstChunkNanos, long restNanos, long outputTokens) {
      Timer t = ttft;
      if (t == null) {
        synchronized (registry) {
          t = ttft = registry.timer(TIME_TO_FIRST_TOKEN, tags);
        }
      }
      t.update(Duration.ofNanos(firstChunkNanos));
      if (outputTokens > 1) {
        Timer p = tpot;
        if (p == null) {
          synchronized (registry) {
            p = tpot = registry.timer(TIME_PER_OUTPUT_TOKEN, tags);
          }
        }
        p.update(Duration.ofNanos(restNanos / (outputTokens - 1)));
      }
    }
  }

  /** The series of a request with these labels ({@code error} empty when it succeeded). */
  public Series series(
      String operation, String provider, String requestModel, String responseModel, String error) {
    SeriesKey k = new SeriesKey(operation, provider, requestModel, responseModel, error);
    Series s = series.get(k);
    if (s == null) {
      synchronized (registry) { // Payara's registry does not register concurrently
        s = series.computeIfAbsent(k, Series::new);
      }
    }
    return s;
  }

  /** One upstream attempt: {@code gen_ai.client.operation.duration}. */
  public void attempt(String provider, String model, String error, long nanos) {
    AttemptKey k = new AttemptKey(provider, model, error);
    Timer t = attempts.get(k);
    if (t == null) {
      synchronized (registry) {
        t =
            attempts.computeIfAbsent(
                k,
                x ->
                    registry.timer(
                        OPERATION_DURATION,
                        new Tag(OPERATION, "chat"),
                        new Tag(PROVIDER, x.provider()),
                        new Tag(REQUEST_MODEL, x.model()),
                        new Tag(ERROR, x.error())));
      }
    }
    t.update(Duration.ofNanos(nanos));
  }

  /** Time of a request not spent upstream. */
  public void overhead(String operation, long nanos) {
    Histogram h = overhead.get(operation);
    if (h == null) {
      synchronized (registry) {
        h =
            overhead.computeIfAbsent(
                operation, op -> registry.histogram(OVERHEAD, new Tag(OPERATION, op)));
      }
    }
    h.update(Math.max(0, nanos) / 1000);
  }

  /** A counter without tenant: {@code name} with one label. */
  public void count(String name, String label, String value) {
    CounterKey key = new CounterKey(name, value);
    Counter c = counters.get(key);
    if (c == null) {
      synchronized (registry) {
        c = counters.computeIfAbsent(key, x -> registry.counter(name, new Tag(label, value)));
      }
    }
    c.inc();
  }

  /** A per-tenant counter (tenant label bounded), increased by {@code amount}. */
  public void countForTenant(String name, TenantId tenant, long amount) {
    TenantKey k = new TenantKey(name, tenants.of(tenant));
    Counter c = tenantCounters.get(k);
    if (c == null) {
      synchronized (registry) {
        c =
            tenantCounters.computeIfAbsent(
                k, x -> registry.counter(x.name(), new Tag("tenant", x.tenant())));
      }
    }
    c.inc(amount);
  }

  /** A per-tenant gauge holding the last value set (tenant label bounded). */
  public void setForTenant(String name, TenantId tenant, long value) {
    String label = tenants.of(tenant);
    String key = name + '\u0000' + label;
    AtomicLong v = tenantGauges.get(key);
    if (v == null) {
      synchronized (registry) {
        v =
            tenantGauges.computeIfAbsent(
                key,
                x -> {
                  AtomicLong held = new AtomicLong();
                  registry.gauge(
                      Metadata.builder().withName(name).build(),
                      held,
                      AtomicLong::get,
                      new Tag("tenant", label));
                  return held;
                });
      }
    }
    v.set(value);
  }

  /** Registers a gauge once per name and label set; later calls with the same key do nothing. */
  public void gaugeOnce(String key, String name, Supplier<Number> value, Tag... tags) {
    if (gauges.containsKey(key)) {
      return;
    }
    synchronized (registry) {
      if (gauges.putIfAbsent(key, Boolean.TRUE) == null) {
        try {
          registry.gauge(Metadata.builder().withName(name).build(), value, tags);
        } catch (RuntimeException e) {
          LOG.warning("OBS-0001 gauge " + name + " not registered: " + e);
        }
      }
    }
  }
}
