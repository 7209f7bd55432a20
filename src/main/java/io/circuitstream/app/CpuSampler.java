package io.circuitstream.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Samples, a few times a second, how many cores this JVM and the rest of the machine keep busy.
 *
 * <p>A load run's tail can come from the service or from whatever else shares the machine; this
 * tells them apart. Each sample compares two readings: the machine's busy time from the first line
 * of {@code /proc/stat} (user, nice, system, irq and softirq; steal, the time a virtual CPU waited
 * for the hypervisor, apart) and this process's CPU time. Where {@code /proc/stat} cannot be read
 * (not Linux) there are no samples.
 */
final class CpuSampler implements AutoCloseable {

  /** One interval: its end as epoch milliseconds, and the cores busy on average during it. */
  record Sample(long epochMs, double processCores, double otherCores, double stealCores) {}

  private static final Path STAT = Path.of("/proc/stat");

  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stop;

  private CpuSampler(long periodMillis) {
    thread = new Thread(() -> run(periodMillis), "load-cpu-sampler");
    thread.setDaemon(true);
  }

  /** Starts sampling every {@code periodMillis} on a daemon thread. */
  static CpuSampler start(long periodMillis) {
    CpuSampler s = new CpuSampler(periodMillis);
    s.thread.start();
    return s;
  }

  private void run(long periodMillis) {
    long @Nullable [] before = readStat();
    if (before == null) {
      return;
    }
    // The first line sums the "cpuN" lines after it, so its jiffies are shares of that many cores
    // (which can differ from the processors this JVM may use).
    double cores = coresInStat();
    long processBefore = processCpuNanos();
    long wallBefore = System.nanoTime();
    while (!stop) {
      try {
        Thread.sleep(periodMillis);
      } catch (InterruptedException e) {
        return;
      }
      long @Nullable [] now = readStat();
      if (now == null) {
        return;
      }
      long processNow = processCpuNanos();
      long wallNow = System.nanoTime();
      long total = 0;
      for (int i = 0; i < now.length; i++) {
        total += now[i] - before[i];
      }
      if (total > 0) {
        // Fields: user nice system idle iowait irq softirq steal. Jiffies of all cores together over
        // the interval's wall time give the cores' share without knowing the clock tick.
        double busy = (d(now, before, 0) + d(now, before, 1) + d(now, before, 2) + d(now, before, 5)
            + d(now, before, 6)) / (double) total * cores;
        double steal = d(now, before, 7) / (double) total * cores;
        double process = (processNow - processBefore) / (double) (wallNow - wallBefore);
        synchronized (samples) {
          samples.add(new Sample(System.currentTimeMillis(), process, Math.max(0, busy - process), steal));
        }
      }
      before = now;
      processBefore = processNow;
      wallBefore = wallNow;
    }
  }

  private static long d(long[] now, long[] before, int field) {
    return field < now.length ? now[field] - before[field] : 0;
  }

  /** The samples whose interval ended in {@code [fromEpochMs, toEpochMs]}. */
  List<Sample> between(long fromEpochMs, long toEpochMs) {
    synchronized (samples) {
      return samples.stream().filter(s -> s.epochMs() >= fromEpochMs && s.epochMs() <= toEpochMs).toList();
    }
  }

  /** Writes samples as CSV: end of interval, and this process's, other processes' and stolen cores. */
  static String csv(List<Sample> samples) {
    StringBuilder sb = new StringBuilder("epoch_ms,process_cores,other_cores,steal_cores\n");
    for (Sample s : samples) {
      sb.append(s.epochMs()).append(String.format(Locale.ROOT, ",%.3f,%.3f,%.3f\n", s.processCores(),
          s.otherCores(), s.stealCores()));
    }
    return sb.toString();
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.interrupt();
    thread.join();
  }

  /** The first line of {@code /proc/stat} as jiffies (at most 8 fields), or null where it cannot be read. */
  private static long @Nullable [] readStat() {
    try {
      String line = Files.readAllLines(STAT).get(0);
      String[] f = line.trim().split("\\s+");
      if (!f[0].equals("cpu")) {
        return null;
      }
      long[] v = new long[Math.min(8, f.length - 1)];
      for (int i = 0; i < v.length; i++) {
        v[i] = Long.parseLong(f[i + 1]);
      }
      return v;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The number of "cpuN" lines in {@code /proc/stat}, at least 1. */
  private static int coresInStat() {
    try {
      return (int) Math.max(1, Files.readAllLines(STAT).stream().filter(l -> l.matches("cpu\\d+\\s.*")).count());
    } catch (IOException e) {
      return 1;
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }
}
