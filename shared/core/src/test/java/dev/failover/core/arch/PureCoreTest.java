package dev.failover.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the decision engine pure: no cloud or JSON types anywhere in core, no I/O or clock reads in
 * the domain and the planner.
 */
class PureCoreTest {

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.failover.core");

  @Test
  void core_hasNoCloudOrJsonTypes() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "com.google..", "io.grpc..", "com.fasterxml..", "org.json..", "io.cloudevents..")
        .because("the core must run and be tested without Google Cloud or a JSON library")
        .check(CORE);
  }

  @Test
  void domainAndPlanner_doNoIo() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.failover.core.domain..", "dev.failover.core.planner..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.io..", "java.nio.file..", "java.net..", "java.sql..")
        .because("the planner is a pure function")
        .check(CORE);
  }

  @Test
  void domainAndPlanner_neverReadTheClock() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.failover.core.domain..", "dev.failover.core.planner..")
        .should()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(java.time.Clock.class, java.util.Random.class, Thread.class)
        .because("time comes in as a parameter, so a plan is deterministic")
        .check(CORE);
  }

  @Test
  void domainAndPlanner_dependOnNoPortOrAdapter() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.failover.core.domain..", "dev.failover.core.planner..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.failover.core.port..", "dev.failover.core.app..", "dev.failover.core.memory..")
        .check(CORE);
  }
}
