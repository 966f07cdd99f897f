package dev.tokenledger.cli;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.tokenledger.cli.report.ReportCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI's walls: the root package (the entry point and the command tree) sits on the commands,
 * each command package sits on {@code shared} (mixins, the command context, renderers' helpers),
 * and nothing points back up, so no two packages form a cycle.
 */
class CliArchitectureTest {
  private static JavaClasses cli;

  @BeforeAll
  static void importMainClasses() {
    cli =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tokenledger.cli");
    // a rule over no classes would pass: make sure the command tree and a command were read
    assertThat(cli.contain(TokenLedgerCli.class)).isTrue();
    assertThat(cli.contain(ReportCommand.class)).isTrue();
  }

  @Test
  void noPackagesOfTheCliFormACycle() {
    slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles().check(cli);
  }

  @Test
  void commandsDoNotImportEachOthersPackages() {
    slices()
        .matching("dev.tokenledger.cli.(*)..")
        .should()
        .notDependOnEachOther()
        .ignoreDependency(alwaysTrue(), resideInAPackage("dev.tokenledger.cli.shared.."))
        .check(cli);
  }

  @Test
  void sharedPartsKnowNoCommandAndNotTheRoot() {
    noClasses()
        .that()
        .resideInAPackage("dev.tokenledger.cli.shared..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.tokenledger.cli..")
                .and(not(resideInAPackage("dev.tokenledger.cli.shared.."))))
        .check(cli);
  }

  @Test
  void onlyTheRootBuildsTheCommandTree() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.tokenledger.cli")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tokenledger.cli")
        .check(cli);
  }

  /** One slice per package, the root package included. */
  private static final SliceAssignment EVERY_PACKAGE =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          return javaClass.getPackageName().startsWith("dev.tokenledger.cli")
              ? SliceIdentifier.of(javaClass.getPackageName())
              : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "every package of dev.tokenledger.cli";
        }
      };
}
