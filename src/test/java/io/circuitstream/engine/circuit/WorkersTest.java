package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The caller-runs work splitter of the folded evaluator. */
class WorkersTest {

  @Test
  void everyMemberRunsExactlyOnceAndNoTwoRunningTasksShareAWorkerIndex() {
    try (Workers workers = new Workers(3)) {
      for (int round = 0; round < 200; round++) {
        int count = 1 + round % 37;
        AtomicIntegerArray runs = new AtomicIntegerArray(count);
        AtomicIntegerArray busy = new AtomicIntegerArray(3);
        workers.run(count, (worker, member) -> {
          assertThat(worker).isBetween(0, 2);
          assertThat(busy.incrementAndGet(worker)).as("worker %d used twice at once", worker).isEqualTo(1);
          runs.incrementAndGet(member);
          Thread.onSpinWait();
          busy.decrementAndGet(worker);
        });
        for (int i = 0; i < count; i++) {
          assertThat(runs.get(i)).as("member %d of %d", i, count).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void theCallerFinishesAloneWhenTheHelperCannotStart() throws InterruptedException {
    try (Workers workers = new Workers(2)) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch blocking = new CountDownLatch(1);
      // Occupy the only helper thread with a first call: its caller holds member 0 until the helper
      // has claimed member 1, which then waits for the release.
      Thread first = new Thread(() -> workers.run(2, (w, m) -> {
        try {
          if (w == 1) {
            blocking.countDown();
            release.await();
          } else {
            blocking.await();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      first.start();
      assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
      AtomicIntegerArray runs = new AtomicIntegerArray(50);
      workers.run(50, (w, m) -> {
        assertThat(w).isZero();
        runs.incrementAndGet(m);
      });
      for (int i = 0; i < 50; i++) {
        assertThat(runs.get(i)).isEqualTo(1);
      }
      release.countDown();
      first.join(10_000);
      assertThat(first.isAlive()).isFalse();
    }
  }

  @Test
  void aFailingMemberFailsTheCallWithItsException() {
    try (Workers workers = new Workers(2)) {
      for (int round = 0; round < 20; round++) {
        assertThatThrownBy(() -> workers.run(40, (w, m) -> {
          if (m == 17) {
            throw new IllegalArgumentException("member 17 is bad");
          }
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("member 17 is bad");
      }
    }
  }
}
