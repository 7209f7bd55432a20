package io.circuitstream.engine.circuit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Time and examples per fold, forward and backward, plus the parameter refresh: an evaluator's profile. */
final class FoldClock {
  private final Structure s;
  private final long[] forwardNanos;
  private final long[] backwardNanos;
  private final long[] forwardExamples;
  private final long[] backwardExamples;
  private long refreshNanos;

  FoldClock(Structure s) {
    this.s = s;
    int folds = s.folds.size();
    forwardNanos = new long[folds];
    backwardNanos = new long[folds];
    forwardExamples = new long[folds];
    backwardExamples = new long[folds];
  }

  /** Records a forward pass of fold {@code fi} over {@code n} examples that took {@code nanos}. */
  void forward(int fi, long nanos, int n) {
    forwardNanos[fi] += nanos;
    forwardExamples[fi] += n;
  }

  /** Records a backward pass of fold {@code fi} over {@code n} examples that took {@code nanos}. */
  void backward(int fi, long nanos, int n) {
    backwardNanos[fi] += nanos;
    backwardExamples[fi] += n;
  }

  /** Records a refresh of the parameters' softmaxes. */
  void refresh(long nanos) {
    refreshNanos += nanos;
  }

  /** Returns one timing per fold, in evaluation order, then the parameter refresh. */
  List<FoldTiming> timings() {
    List<FoldTiming> out = new ArrayList<>();
    for (int i = 0; i < s.folds.size(); i++) {
      double flops = s.denseFlopsPerExample(s.folds.get(i));
      out.add(new FoldTiming(s.folds.get(i).description() + " @h" + s.folds.get(i).height(), forwardNanos[i] / 1e9,
          backwardNanos[i] / 1e9, flops * forwardExamples[i], 2 * flops * backwardExamples[i]));
    }
    out.add(new FoldTiming("parameters (softmax of logits)", refreshNanos / 1e9, 0, 0, 0));
    return out;
  }

  /** Sets everything to zero. */
  void reset() {
    Arrays.fill(forwardNanos, 0);
    Arrays.fill(backwardNanos, 0);
    Arrays.fill(forwardExamples, 0);
    Arrays.fill(backwardExamples, 0);
    refreshNanos = 0;
  }
}
