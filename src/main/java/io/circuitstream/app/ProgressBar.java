package io.circuitstream.app;

import io.circuitstream.engine.learn.HybridLoss;
import io.circuitstream.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for long work, redrawn in place on a terminal at most five times a second.
 *
 * <p>Training shows step, epoch, loss, running accuracy and images per second; each validation is
 * printed on its own line so the history stays on screen.
 */
final class ProgressBar implements TrainingListener {
  private static final int WIDTH = 24;
  private final PrintStream out;
  private final String label;
  private final long total;
  private long lastDraw;
  private String lastValidation = "";

  ProgressBar(PrintStream out, String label, long total) {
    this.out = out;
    this.label = label;
    this.total = Math.max(1, total);
  }

  /** Draws the bar for {@code done} of the total units, followed by {@code detail}. */
  void update(long done, String detail) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    int filled = (int) Math.min(WIDTH, WIDTH * done / total);
    out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + detail + "   ");
    out.flush();
  }

  /** Ends the bar's line. */
  void finish() {
    out.println();
  }

  @Override
  public void onStep(int step, int epoch, HybridLoss.Value running, double imagesPerSecond) {
    update(step, String.format(Locale.ROOT, "step %d/%d epoch %d loss %.4f acc %.2f%% %.0f img/s%s", step, total,
        epoch, running.loss(), 100 * running.accuracy(), imagesPerSecond, lastValidation));
  }

  @Override
  public void onValidation(ValidationPoint p) {
    lastValidation = String.format(Locale.ROOT, " | val %.2f%%", 100 * p.validation().accuracy());
    out.printf(Locale.ROOT, "%n%s step %d epoch %d: train loss %.4f acc %.2f%% | valid loss %.4f acc %.2f%% L_gen %.1f L_dis %.4f%s | patience %d%n",
        label, p.step(), p.epoch(), p.train().loss(), 100 * p.train().accuracy(), p.validation().loss(),
        100 * p.validation().accuracy(), p.validation().genLoss(), p.validation().disLoss(),
        p.improved() ? " (best)" : "", p.patienceLeft());
    lastDraw = 0;
  }
}
