package dev.tessera.routing.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Provider error texts reach tenants: credentials they echo are masked first (issue 8). */
class ProviderExceptionTest {

  static String relayed(String upstreamText) {
    return new ProviderException(
            ProviderException.Kind.AUTH, "openai", 401, upstreamText, null, false, null)
        .getMessage();
  }

  @Test
  void echoed_keys_are_masked_and_the_rest_of_the_text_is_kept() {
    String m =
        relayed(
            "Incorrect API key provided: sk-proj-AbCdEf123456789xyz. You can find your API key at"
                + " https://platform.openai.com/account/api-keys.");
    assertThat(m).doesNotContain("AbCdEf123456789").contains("Incorrect API key provided");
    assertThat(relayed("API key not valid. key=AIzaSyA1234567890abcdefg"))
        .doesNotContain("AIzaSyA1234567890");
    assertThat(relayed("rejected header Authorization: Bearer abcdef0123456789ghij"))
        .doesNotContain("abcdef0123456789");
    assertThat(relayed("{\"x-api-key\": \"ant-secret-0123456789\"} is invalid"))
        .doesNotContain("ant-secret-0123456789");
    assertThat(relayed("model overloaded, retry in 2s"))
        .isEqualTo("openai: model overloaded, retry in 2s");
  }
}
