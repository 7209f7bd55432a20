package io.circuitstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class ClassificationPipelineBatchingTest {
  private static final Duration MAX_WAIT = Duration.ofMillis(5);

  @Test
  void imagesArrivingWhileABatchIsScoredAreScoredTogetherInTheNextBatch() throws InterruptedException {
    Sinks.Many<Integer> items = Sinks.many().unicast().onBackpressureBuffer();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch allDone = new CountDownLatch(11);
    Scheduler scorer = Schedulers.newSingle("test-scorer");
    Disposable run = ClassificationPipeline.batched(items.asFlux(), 256, MAX_WAIT, scorer, batch -> {
      sizes.add(batch.size());
      if (sizes.size() == 1) {
        firstStarted.countDown();
        await(releaseFirst);
      }
      batch.forEach(i -> allDone.countDown());
    }).subscribe();
    try {
      items.tryEmitNext(0).orThrow();
      assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
      // Ten images, each well after the batch window of the one before, while the first batch is scored.
      for (int i = 1; i <= 10; i++) {
        Thread.sleep(4 * MAX_WAIT.toMillis());
        items.tryEmitNext(i).orThrow();
      }
      releaseFirst.countDown();
      assertThat(allDone.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sizes).containsExactly(1, 10);
    } finally {
      releaseFirst.countDown();
      run.dispose();
      scorer.dispose();
    }
  }

  @Test
  void aBatchClosesAtTheMaximumSize() throws InterruptedException {
    Sinks.Many<Integer> items = Sinks.many().unicast().onBackpressureBuffer();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    CountDownLatch allDone = new CountDownLatch(100);
    CountDownLatch allEmitted = new CountDownLatch(1);
    Scheduler scorer = Schedulers.newSingle("test-scorer");
    // Each batch waits until all 100 images are waiting: a scorer that becomes free while images
    // are still arriving rightly takes the ones already there, which would make the sizes depend on
    // thread timing.
    Disposable run = ClassificationPipeline.batched(items.asFlux(), 32, Duration.ofSeconds(30), scorer, batch -> {
      sizes.add(batch.size());
      await(allEmitted);
      batch.forEach(i -> allDone.countDown());
    }).subscribe();
    try {
      for (int i = 0; i < 100; i++) {
        items.tryEmitNext(i).orThrow();
      }
      items.tryEmitComplete().orThrow();
      allEmitted.countDown();
      assertThat(allDone.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sizes).containsExactly(32, 32, 32, 4);
    } finally {
      allEmitted.countDown();
      run.dispose();
      scorer.dispose();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
