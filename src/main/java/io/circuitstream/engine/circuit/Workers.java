package io.circuitstream.engine.circuit;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Runs the members of a fold on the calling thread and up to {@code threads - 1} helper threads.
 *
 * <p>The caller starts at once and claims members one at a time, as do helpers once they wake. When
 * the members run out the caller closes the fork: a helper that had not started by then does
 * nothing, so a helper delayed by other work on its core (Kafka, the JIT, GC) costs the fold at most
 * the member it is running, never its wake-up. Each running worker has its own thread index
 * ({@code 0} for the caller), so it can use its own scratch memory.
 */
final class Workers implements AutoCloseable {
  private static final int CLOSED = Integer.MIN_VALUE;

  /** A task over members, told which worker's scratch to use. */
  interface MemberTask {
    /** Runs member {@code member} with scratch {@code worker} in {@code [0, threads)}. */
    void run(int worker, int member);
  }

  private final int threads;
  private final @Nullable ExecutorService helpers;

  /** Creates workers for {@code threads} threads in all (the caller included). */
  Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    this.threads = threads;
    if (threads == 1) {
      helpers = null;
    } else {
      AtomicInteger n = new AtomicInteger();
      helpers = new ThreadPoolExecutor(threads - 1, threads - 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "circuit-worker-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }

  /** Runs {@code task} for members {@code 0..count-1} and returns when all have finished. */
  void run(int count, MemberTask task) {
    ExecutorService h = helpers;
    if (h == null || count < 2) {
      for (int i = 0; i < count; i++) {
        task.run(0, i);
      }
      return;
    }
    Fork fork = new Fork(count, task);
    int t = Math.min(threads, count);
    for (int w = 1; w < t; w++) {
      int worker = w;
      h.execute(() -> fork.help(worker));
    }
    try {
      fork.work(0);
    } finally {
      fork.closeAndAwait();
    }
    fork.rethrow();
  }

  @Override
  public void close() {
    if (helpers != null) {
      helpers.shutdown();
    }
  }

  /** One call's members: a shared claim counter and the count of helpers running. */
  private static final class Fork {
    private final int count;
    private final MemberTask task;
    private final AtomicInteger next = new AtomicInteger();
    /** Helpers running in the low bits; the sign bit once the caller has closed the fork. */
    private final AtomicInteger state = new AtomicInteger();
    private volatile @Nullable Throwable failure;

    Fork(int count, MemberTask task) {
      this.count = count;
      this.task = task;
    }

    void work(int worker) {
      for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        task.run(worker, i);
      }
    }

    void help(int worker) {
      for (int s = state.get(); ; s = state.get()) {
        if (s < 0) {
          return; // closed before this helper started: nothing left for it
        }
        if (state.compareAndSet(s, s + 1)) {
          break;
        }
      }
      try {
        work(worker);
      } catch (Throwable e) {
        failure = e;
        next.set(count); // the others stop claiming
      } finally {
        state.decrementAndGet();
      }
    }

    void closeAndAwait() {
      state.getAndAdd(CLOSED);
      for (int spins = 0; state.get() != CLOSED; spins++) {
        if (spins < 200) {
          Thread.onSpinWait();
        } else if (spins < 400) {
          Thread.yield();
        } else {
          LockSupport.parkNanos(20_000);
        }
      }
    }

    void rethrow() {
      Throwable e = failure;
      if (e instanceof RuntimeException r) {
        throw r;
      }
      if (e instanceof Error err) {
        throw err;
      }
      if (e != null) {
        throw new IllegalStateException(e);
      }
    }
  }
}
