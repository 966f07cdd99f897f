package dev.tokenledger.proxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The proxy's walls (issue #13): it meters through core's public types and never reaches into the
 * ledger's implementation.
 */
@AnalyzeClasses(
    packages = "dev.tokenledger.proxy",
    importOptions = {ImportOption.DoNotIncludeTests.class})
class ProxyArchitectureTest {

  @ArchTest
  static final ArchRule proxy_imports_no_ledger_internals =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.tokenledger.ledger.internal..")
          .because("the ledger's public types are its contract; its internals may change");

  @ArchTest
  static final ArchRule proxy_imports_no_cli_sim_or_bench =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tokenledger.cli..", "dev.tokenledger.sim..", "dev.tokenledger.bench..");

  @ArchTest
  static final ArchRule proxy_packages_are_free_of_cycles =
      slices().matching("dev.tokenledger.(**)").should().beFreeOfCycles();
}
