package dev.tessera;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.tessera.billing.api.FixtureBeanInApi;
import dev.tessera.billing.api.FixtureCodecInApi;
import dev.tessera.billing.api.FixtureLeakyApi;
import dev.tessera.billing.internal.FixtureHidden;
import dev.tessera.billing.stray.FixtureStray;
import dev.tessera.retrieval.internal.FixtureReacher;
import org.junit.jupiter.api.Test;

/** Each of {@link ModularityTest}'s rules fails on a class that breaks it (fixtures in tests). */
class ModularityRulesTest {
  private static boolean violated(ArchRule rule, Class<?>... classes) {
    JavaClasses imported = new ClassFileImporter().importClasses(classes);
    return rule.evaluate(imported).hasViolation();
  }

  @Test
  void a_stray_package_breaks_the_package_shape() {
    assertThat(
            violated(
                ModularityTest.a_module_has_only_api_spi_codec_and_internal_packages,
                FixtureStray.class))
        .isTrue();
    assertThat(
            violated(
                ModularityTest.a_module_has_only_api_spi_codec_and_internal_packages,
                FixtureHidden.class))
        .isFalse();
  }

  @Test
  void reaching_into_another_modules_internals_is_caught() {
    assertThat(
            violated(
                ModularityTest.internals_are_private_to_their_module,
                FixtureReacher.class,
                FixtureHidden.class))
        .isTrue();
    // the same module's api may not either, but by its own rule; its internals may use each other
    assertThat(
            violated(
                ModularityTest.internals_are_private_to_their_module,
                FixtureLeakyApi.class,
                FixtureHidden.class))
        .isFalse();
  }

  @Test
  void an_api_exposing_an_internal_type_is_caught() {
    assertThat(
            violated(
                ModularityTest.api_never_depends_on_internal,
                FixtureLeakyApi.class,
                FixtureHidden.class))
        .isTrue();
  }

  @Test
  void a_bean_in_an_api_is_caught() {
    assertThat(violated(ModularityTest.api_holds_no_cdi_beans, FixtureBeanInApi.class)).isTrue();
    assertThat(violated(ModularityTest.api_holds_no_cdi_beans, FixtureLeakyApi.class)).isFalse();
  }

  @Test
  void a_json_codec_in_an_api_is_caught() {
    assertThat(violated(ModularityTest.api_is_free_of_wire_formats, FixtureCodecInApi.class))
        .isTrue();
    assertThat(violated(ModularityTest.api_is_free_of_wire_formats, FixtureLeakyApi.class))
        .isFalse();
  }
}
