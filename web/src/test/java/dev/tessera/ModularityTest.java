package dev.tessera;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module boundaries of the design card: {@code tenancy <- governance <- billing <- routing <-
 * retrieval <- web}; a module may use the api of modules to its left only, and nobody touches
 * another module's internals.
 */
@AnalyzeClasses(packages = "dev.tessera", importOptions = ImportOption.DoNotIncludeTests.class)
class ModularityTest {
  private static final String[] ORDER = {
    "tenancy", "governance", "billing", "routing", "retrieval"
  };

  @ArchTest
  static final ArchRule modules_are_free_of_cycles =
      slices().matching("dev.tessera.(*)..").should().beFreeOfCycles();

  @ArchTest static final ArchRule tenancy_depends_on_no_module = leftOf(0);
  @ArchTest static final ArchRule governance_uses_only_tenancy = leftOf(1);
  @ArchTest static final ArchRule billing_uses_only_governance_and_tenancy = leftOf(2);
  @ArchTest static final ArchRule routing_uses_only_modules_to_its_left = leftOf(3);
  @ArchTest static final ArchRule retrieval_uses_only_modules_to_its_left = leftOf(4);

  @ArchTest static final ArchRule tenancy_internals_are_private = internalsPrivate("tenancy");
  @ArchTest static final ArchRule governance_internals_are_private = internalsPrivate("governance");
  @ArchTest static final ArchRule billing_internals_are_private = internalsPrivate("billing");
  @ArchTest static final ArchRule routing_internals_are_private = internalsPrivate("routing");
  @ArchTest static final ArchRule retrieval_internals_are_private = internalsPrivate("retrieval");

  @ArchTest
  static final ArchRule modules_never_depend_on_web =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.tessera.web..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.tessera.web..");

  @ArchTest
  static final ArchRule web_uses_only_module_apis =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.web..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.tessera.*.internal..", "dev.tessera.*.spi..");

  /** Module {@code ORDER[i]} may not depend on any module to its right. */
  private static ArchRule leftOf(int i) {
    String[] right = new String[ORDER.length - i - 1];
    for (int j = i + 1; j < ORDER.length; j++) {
      right[j - i - 1] = "dev.tessera." + ORDER[j] + "..";
    }
    if (right.length == 0) {
      return noClasses()
          .that()
          .resideInAPackage("dev.tessera." + ORDER[i] + "..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.tessera.web..")
          .because("the last module depends only on modules to its left");
    }
    return noClasses()
        .that()
        .resideInAPackage("dev.tessera." + ORDER[i] + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(right)
        .because(
            "modules form the DAG tenancy <- governance <- billing <- routing <- retrieval <- web");
  }

  private static ArchRule internalsPrivate(String module) {
    return noClasses()
        .that()
        .resideOutsideOfPackage("dev.tessera." + module + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tessera." + module + ".internal..")
        .because("a module's internal package is private to it");
  }
}
