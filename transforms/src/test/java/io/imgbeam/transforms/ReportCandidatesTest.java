package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReportCandidatesTest {
  @Test
  void theFirstRowsOfEachListAreAlwaysCandidates() {
    ReportCandidates candidates = new ReportCandidates();
    for (int i = 0; i < ReportStats.ROWS; i++) {
      assertTrue(candidates.test(100 - i, 0.99));
    }
    // Faster and better than every kept one: in neither list.
    assertFalse(candidates.test(1, 1.0));
    // Slower than the fastest kept one.
    assertTrue(candidates.test(1000, 1.0));
    // Lower-scoring than the best kept one.
    assertTrue(candidates.test(1, 0.5));
  }

  @Test
  void theReadTimeCountsTowardsSlowness() {
    ReportCandidates candidates = new ReportCandidates();
    for (int i = 0; i < ReportStats.ROWS; i++) {
      candidates.test(500, 0.9);
    }
    assertFalse(candidates.test(100, 0.99));
    assertTrue(candidates.after(450).test(100, 0.99));
  }

  /**
   * Split over workers in any order, every image of the run's slowest and lowest-scoring lists was
   * a candidate of its own worker when it came.
   */
  @Test
  void everyRowOfTheRunsListsWasACandidateOfItsWorker() {
    Random random = new Random(9);
    List<long[]> images = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      images.add(new long[] {i, random.nextInt(100_000), random.nextInt(1_000_000)});
    }
    ReportCandidates[] workers = {
      new ReportCandidates(), new ReportCandidates(), new ReportCandidates()
    };
    Set<Long> chosen = new java.util.HashSet<>();
    for (long[] image : images) {
      ReportCandidates worker = workers[random.nextInt(workers.length)];
      if (worker.test(image[1], image[2] / 1e6)) {
        chosen.add(image[0]);
      }
    }
    Set<Long> slowest =
        images.stream()
            .sorted(Comparator.comparingLong((long[] image) -> -image[1]))
            .limit(ReportStats.ROWS)
            .map(image -> image[0])
            .collect(Collectors.toSet());
    Set<Long> lowest =
        images.stream()
            .sorted(Comparator.comparingLong((long[] image) -> image[2]))
            .limit(ReportStats.ROWS)
            .map(image -> image[0])
            .collect(Collectors.toSet());
    assertTrue(chosen.containsAll(slowest), "slowest " + slowest + " not all in " + chosen);
    assertTrue(chosen.containsAll(lowest), "lowest " + lowest + " not all in " + chosen);
    // A few hundred of 2000, not all of them.
    assertTrue(chosen.size() < 600, chosen.size() + " candidates");
  }

  @Test
  void aMissingScoreIsOnlyJudgedBySlowness() {
    ReportCandidates candidates = new ReportCandidates();
    for (int i = 0; i < ReportStats.ROWS; i++) {
      candidates.test(500, 0.9);
    }
    assertFalse(candidates.test(100, Double.NaN));
    assertEquals(true, candidates.test(600, Double.NaN));
  }
}
