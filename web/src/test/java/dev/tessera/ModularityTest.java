package dev.tessera;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Maven build cannot enforce about the modules ({@code tenancy <- governance <- billing <-
 * routing <- retrieval <- web}; which module may depend on which is the poms' job): the shape of a
 * module's packages, the privacy of {@code internal}, and what an {@code api} may hold. Every rule
 * applies to every module, so a module that is added or grows is checked without a new rule.
 */
@AnalyzeClasses(packages = "dev.tessera", importOptions = ImportOption.DoNotIncludeTests.class)
class ModularityTest {
  /** A module's package: {@code dev.tessera.<module>.<part>...}; web is the WAR, not a module. */
  private static final Pattern MODULE_PACKAGE =
      Pattern.compile(
          "dev\\.tessera\\.(tenancy|governance|billing|routing|retrieval)(\\.([a-z]+))?.*");

  private static final String MODULES =
      "dev.tessera.(tenancy|governance|billing|routing|retrieval)..";

  @ArchTest
  static final ArchRule modules_are_free_of_cycles =
      slices().matching("dev.tessera.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule a_module_has_only_api_spi_codec_and_internal_packages =
      classes()
          .that()
          .resideInAPackage(MODULES)
          .should(resideInOneOf("api", "spi", "codec", "internal"))
          .because(
              "api is the module's contract, spi its extension points, codec its wire formats,"
                  + " internal everything else");

  @ArchTest
  static final ArchRule internals_are_private_to_their_module =
      noClasses()
          .should(dependOnAnotherModulesInternals())
          .because("a module's internal package is private to it; use its api");

  @ArchTest
  static final ArchRule api_never_depends_on_internal =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.*.api..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.tessera.*.internal..")
          .because("an api that leaks an internal type makes that type public");

  @ArchTest
  static final ArchRule api_holds_no_cdi_beans =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.*.api..")
          .should()
          .beAnnotatedWith("jakarta.enterprise.context.ApplicationScoped")
          .orShould()
          .beAnnotatedWith("jakarta.enterprise.context.RequestScoped")
          .orShould()
          .beAnnotatedWith("jakarta.enterprise.context.SessionScoped")
          .orShould()
          .beAnnotatedWith("jakarta.enterprise.context.Dependent")
          .orShould()
          .beAnnotatedWith("jakarta.inject.Singleton")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("jakarta.inject.Inject")
          .because("an api is interfaces, records and exceptions; beans live in internal");

  @ArchTest
  static final ArchRule api_is_free_of_wire_formats =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.*.api..")
          .should()
          .dependOnClassesThat(readOrWriteJson())
          .because(
              "an api promises records, not wire formats: JSON codecs live in the module's codec"
                  + " package (a JSON value such as a schema may still be carried as a JsonObject)");

  @ArchTest
  static final ArchRule modules_never_depend_on_web =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.tessera.web..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.tessera.web..");

  @ArchTest
  static final ArchRule web_uses_only_module_apis_and_codecs =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.web..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.tessera.*.internal..", "dev.tessera.*.spi..");

  @ArchTest
  static final ArchRule only_the_gateways_tracing_sets_the_tracing_switch =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("dev.tessera.routing.internal.telemetry.GatewayTracing")
          .should()
          .callMethod("dev.tessera.routing.api.TracingSwitch", "recording", "boolean")
          .because(
              "the switch is public so that the web layer can read it in one volatile read; only"
                  + " the tracing it describes may flip it");

  /** JSON-P's and JSON-B's reading and writing side: parsers, generators, builders, mappers. */
  private static DescribedPredicate<JavaClass> readOrWriteJson() {
    return new DescribedPredicate<>("read or write JSON") {
      @Override
      public boolean test(JavaClass c) {
        String n = c.getName();
        return n.startsWith("jakarta.json.bind.")
            || n.startsWith("jakarta.json.stream.")
            || n.startsWith("jakarta.json.spi.")
            || n.equals("jakarta.json.Json")
            || n.equals("jakarta.json.JsonReader")
            || n.equals("jakarta.json.JsonWriter")
            || n.equals("jakarta.json.JsonObjectBuilder")
            || n.equals("jakarta.json.JsonArrayBuilder");
      }
    };
  }

  private static ArchCondition<JavaClass> resideInOneOf(String... parts) {
    java.util.Set<String> allowed = java.util.Set.of(parts);
    return new ArchCondition<>("reside in a package named " + allowed) {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        Matcher m = MODULE_PACKAGE.matcher(c.getPackageName());
        if (!m.matches()) {
          return;
        }
        String part = m.group(3);
        // a package-info at the module's root documents the module and is the one exception
        boolean ok =
            part == null ? c.getSimpleName().equals("package-info") : allowed.contains(part);
        events.add(new SimpleConditionEvent(c, ok, c.getName() + " is in " + c.getPackageName()));
      }
    };
  }

  private static ArchCondition<JavaClass> dependOnAnotherModulesInternals() {
    return new ArchCondition<>("depend on another module's internal package") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        String own = moduleOf(c.getPackageName());
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
          String target = d.getTargetClass().getPackageName();
          Matcher m = MODULE_PACKAGE.matcher(target);
          if (m.matches() && "internal".equals(m.group(3)) && !m.group(1).equals(own)) {
            events.add(SimpleConditionEvent.satisfied(d, d.getDescription()));
          }
        }
      }
    };
  }

  private static String moduleOf(String pkg) {
    Matcher m = MODULE_PACKAGE.matcher(pkg);
    return m.matches() ? m.group(1) : "web";
  }
}
