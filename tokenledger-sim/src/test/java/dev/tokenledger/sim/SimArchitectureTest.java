package dev.tokenledger.sim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The simulator's walls (issue #13): it stands for OpenAI, so it shares no pricing, storage or
 * reconciling with the tool it is checked against. It may use core's small value types ({@code
 * TokenCounts}, {@code config.ApiKey}).
 */
@AnalyzeClasses(
    packages = "dev.tokenledger.sim",
    importOptions = {ImportOption.DoNotIncludeTests.class})
class SimArchitectureTest {

  @ArchTest
  static final ArchRule sim_imports_nothing_of_pricing_ledger_or_reconcile =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tokenledger.pricing..",
              "dev.tokenledger.ledger..",
              "dev.tokenledger.reconcile..")
          .because(
              "the simulator bills with its own price list, so billed vs estimated compares two"
                  + " sources");

  @ArchTest
  static final ArchRule sim_imports_no_cli_proxy_or_bench =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tokenledger.cli..", "dev.tokenledger.proxy..", "dev.tokenledger.bench..");

  @ArchTest
  static final ArchRule sim_packages_are_free_of_cycles =
      slices().matching("dev.tokenledger.(**)").should().beFreeOfCycles();
}
