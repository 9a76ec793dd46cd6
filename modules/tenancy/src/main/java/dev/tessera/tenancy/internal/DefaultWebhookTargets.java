package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.WebhookTargets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@link WebhookTargets}: public addresses only, plus the operator's allowed networks (CIDR list,
 * e.g. {@code 10.20.0.0/16,fd00:1::/64}). Not public: loopback, unspecified, private (RFC 1918),
 * shared (100.64/10), link-local (169.254/16 with the cloud metadata service, fe80::/10),
 * unique-local (fc00::/7), multicast, documentation, benchmarking and reserved ranges, and IPv6
 * forms that carry an IPv4 address (mapped, NAT64, 6to4) when that address is not public.
 *
 * <p>A name is resolved when registered and again before each delivery; the HTTP client resolves it
 * once more to connect, so a name whose owner flips it between those two lookups could still slip
 * through (DNS rebinding within milliseconds). Redirects are never followed.
 */
@ApplicationScoped
public class DefaultWebhookTargets implements WebhookTargets {
  private static final int MAX_LENGTH = 2048;

  /** IPv4 ranges that are not the public internet: network, prefix length. */
  private static final List<Cidr> NOT_PUBLIC_V4 =
      Cidr.parseAll(
          "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,"
              + "192.0.0.0/24,192.0.2.0/24,192.88.99.0/24,192.168.0.0/16,198.18.0.0/15,"
              + "198.51.100.0/24,203.0.113.0/24,224.0.0.0/4,240.0.0.0/4");

  private static final List<Cidr> NOT_PUBLIC_V6 =
      Cidr.parseAll("::/128,::1/128,fc00::/7,fe80::/10,fec0::/10,ff00::/8,2001:db8::/32,100::/64");

  private final List<Cidr> allowed;
  private final Function<String, InetAddress[]> resolver;

  @Inject
  public DefaultWebhookTargets(
      @ConfigProperty(name = "tessera.webhooks.allowed-networks") Optional<String> allowed) {
    this(allowed.map(Cidr::parseAll).orElse(List.of()), DefaultWebhookTargets::resolve);
  }

  DefaultWebhookTargets(List<Cidr> allowed, Function<String, InetAddress[]> resolver) {
    this.allowed = List.copyOf(allowed);
    this.resolver = resolver;
  }

  /** For CDI's proxy. */
  protected DefaultWebhookTargets() {
    this(List.of(), DefaultWebhookTargets::resolve);
  }

  /** Made at start, so a malformed network list stops the deployment with its message. */
  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    // nothing to do: observing creates the instance, which parses the setting
  }

  @Override
  public URI check(String field, String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw InvalidInputException.field(field, "is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (url.length() > MAX_LENGTH
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getUserInfo() != null) {
      throw InvalidInputException.field(
          field, "must be an absolute http(s) URL without credentials, at most 2048 characters");
    }
    InetAddress[] addresses = resolver.apply(host(uri));
    if (addresses == null || addresses.length == 0) {
      throw InvalidInputException.field(field, "names a host that does not resolve");
    }
    if (!Arrays.stream(addresses).allMatch(this::allowed)) {
      throw InvalidInputException.field(
          field,
          "must not point to a private, loopback or link-local address (the operator may allow"
              + " networks with TESSERA_WEBHOOKS_ALLOWED_NETWORKS)");
    }
    return uri;
  }

  @Override
  public boolean deliverable(URI target) {
    if (target.getHost() == null) {
      return false;
    }
    InetAddress[] addresses = resolver.apply(host(target));
    return addresses != null
        && addresses.length > 0
        && Arrays.stream(addresses).allMatch(this::allowed);
  }

  boolean allowed(InetAddress address) {
    return isPublic(address) || allowed.stream().anyMatch(c -> c.contains(address));
  }

  /** Whether {@code address} is on the public internet (see the class comment). */
  static boolean isPublic(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return NOT_PUBLIC_V4.stream().noneMatch(c -> c.contains(address));
    }
    if (!(address instanceof Inet6Address)
        || NOT_PUBLIC_V6.stream().anyMatch(c -> c.contains(address))) {
      return false;
    }
    // forms that carry an IPv4 address: ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16
    boolean zeros80 = true;
    for (int i = 0; i < 10; i++) {
      zeros80 &= b[i] == 0;
    }
    if (zeros80 && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
      return isPublic(v4(b, 12));
    }
    if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
      return isPublic(v4(b, 12));
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return isPublic(v4(b, 2));
    }
    return true;
  }

  private static InetAddress v4(byte[] b, int from) {
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(b, from, from + 4));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  /** The host without IPv6 brackets. */
  private static String host(URI uri) {
    String h = uri.getHost();
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  private static InetAddress[] resolve(String host) {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** A network: its address and prefix length. */
  record Cidr(byte[] network, int prefix) {
    static List<Cidr> parseAll(String list) {
      List<Cidr> out = new ArrayList<>();
      for (String part : list.split(",")) {
        if (!part.isBlank()) {
          out.add(parse(part.strip()));
        }
      }
      return out;
    }

    static Cidr parse(String cidr) {
      int slash = cidr.indexOf('/');
      String address = slash < 0 ? cidr : cidr.substring(0, slash);
      if (!address.matches("[0-9a-fA-F:.]+")) { // literals only: never a DNS lookup here
        throw new IllegalArgumentException("not a network address: " + cidr);
      }
      try {
        byte[] network = InetAddress.getByName(address).getAddress();
        int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException("prefix out of range: " + cidr);
        }
        return new Cidr(network, prefix);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not a network (CIDR): " + cidr, e);
      }
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }
  }
}
