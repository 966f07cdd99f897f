package dev.tokenledger.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static dev.tokenledger.architecture.Walls.PACKAGES_WITH_THEIR_INTERNALS;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The walls of tokenledger-core (issue #13, docs/architecture.md): what each package may not see.
 * Rules name packages by pattern, so that a package added later (say {@code figures} or {@code
 * ledger.internal}) is held by them too.
 */
@AnalyzeClasses(
    packages = "dev.tokenledger",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class CoreArchitectureTest {

  /** Core is the library the modules build on: it never reaches up into them. */
  @ArchTest
  static final ArchRule core_never_imports_the_cli_sim_proxy_or_bench =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tokenledger.cli..",
              "dev.tokenledger.sim..",
              "dev.tokenledger.proxy..",
              "dev.tokenledger.bench..")
          .because("core is the library the CLI, simulator, proxy and bench build on");

  /** The OpenAI client reads the API; what is kept of it is the ledger's business. */
  @ArchTest
  static final ArchRule openai_never_imports_the_ledger =
      noClasses()
          .that()
          .resideInAPackage("dev.tokenledger.openai..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.tokenledger.ledger..")
          .because("the OpenAI client only reads the API; the ledger stores what it read");

  /** Pricing and attribution are arithmetic over values: no storage, no files, no network. */
  @ArchTest
  static final ArchRule pricing_and_attribution_import_no_ledger_files_or_network =
      noClasses()
          .that()
          .resideInAnyPackage("dev.tokenledger.pricing..", "dev.tokenledger.attribution..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tokenledger.ledger..", "java.nio.file..", "java.net..", "java.sql..")
          .orShould()
          .dependOnClassesThat()
          .haveNameMatching("java\\.io\\.(File|RandomAccessFile)\\w*")
          .because(
              "pricing and attribution are pure: config.PriceFiles reads price files, the ledger"
                  + " stores figures");

  /** Reading class-path resources is loading too: the packaged price table is read in config. */
  @ArchTest
  static final ArchRule pricing_and_attribution_read_no_resources =
      noClasses()
          .that()
          .resideInAnyPackage("dev.tokenledger.pricing..", "dev.tokenledger.attribution..")
          .should()
          .callMethodWhere(Walls.RESOURCE_LOADING)
          .because("config.PriceFiles reads the packaged price table");

  /**
   * The values every layer shares stand below all of them: the figures model and the metering
   * values know nothing of tokenledger beyond the root package's counters.
   */
  @ArchTest
  static final ArchRule figures_and_metering_values_stand_below_every_layer =
      noClasses()
          .that()
          .resideInAnyPackage("dev.tokenledger.figures..", "dev.tokenledger.metering..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tokenledger.ledger..",
              "dev.tokenledger.reconcile..",
              "dev.tokenledger.report..",
              "dev.tokenledger.attribution..",
              "dev.tokenledger.recording..",
              "dev.tokenledger.costs..",
              "dev.tokenledger.pricing..",
              "dev.tokenledger.config..",
              "dev.tokenledger.doctor..")
          .because(
              "attribution and metering make these values, the ledger stores them, reports"
                  + " read them: they cannot depend on any of those");

  /**
   * No package cycles: every package is a slice ({@code ledger.internal} counts as {@code ledger},
   * whose facade it implements), and slices form no cycle.
   */
  @ArchTest
  static final ArchRule core_packages_are_free_of_cycles =
      slices().assignedFrom(PACKAGES_WITH_THEIR_INTERNALS).should().beFreeOfCycles();
}
