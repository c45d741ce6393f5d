package dev.failover.gcp.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.failover.gcp.intake.Intake;

/**
 * Coverage-guided fuzzing of the builds stream's parser and handler. A normal test run replays the
 * seeds in {@code BuildsFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for {@code maxDuration}.
 */
class BuildsFuzzTest {
  @org.junit.jupiter.api.AfterAll
  static void report() {
    dev.failover.core.testing.Reliability.count(
        "bad_inputs_tried", IntakeFuzzing.TRIED.getAndSet(0));
  }

  @FuzzTest(maxDuration = "20s")
  void fuzz(FuzzedDataProvider in) {
    IntakeFuzzing.step(Intake.Stream.BUILDS, in);
  }
}
