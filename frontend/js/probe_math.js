// The arithmetic the probe view needs to draw what a layer did, following the engine exactly: the
// input window of a pooled cell and the cell that won its max (engine/layers/pooling.py: the first
// maximum in row-major order, as PyTorch), and the output as probabilities per class. A conv layer's
// zero padding is not worked out here: the server's layer summaries carry it (`state.layers[i].padding`).

/**
 * The input window of pooled cell {c, r, k} of a pool layer spec: rows r0..r1 and columns k0..k1
 * of the input, and for max pooling the winning cell [row, column] of `input` (C, H, W values).
 */
export function poolWindow(spec, input, shape, { c, r, k }) {
  const p = spec.pool_size ?? 2;
  const stride = spec.stride ?? p;
  const [, h, w] = shape;
  const r0 = r * stride;
  const k0 = k * stride;
  const r1 = Math.min(r0 + p - 1, h - 1);
  const k1 = Math.min(k0 + p - 1, w - 1);
  let winner = null;
  if (spec.type === "max_pool2d") {
    let best = -Infinity;
    for (let i = r0; i <= r1; i++) {
      for (let j = k0; j <= k1; j++) {
        const v = input[c * h * w + i * w + j];
        if (v > best || winner === null) {
          best = v;
          winner = [i, j];
        }
      }
    }
  }
  return { r0, k0, r1, k1, winner };
}

/** The activation a layer applies (an activation layer's, or a dense/conv layer's own). */
function activationOf(spec) {
  return (spec && spec.activation) || "linear";
}

/**
 * The output layer's values as probabilities per class: softmax and sigmoid outputs as they are;
 * a linear output of a classifier (logits) through softmax (multiclass) or the sigmoid (binary);
 * one binary sigmoid unit as [p(class 0), p(class 1)].
 */
export function outputProbabilities(spec, task, data) {
  const values = Array.from(data);
  const act = activationOf(spec);
  let probs = values;
  if (task === "multiclass" && act !== "softmax") {
    const max = Math.max(...values);
    const exps = values.map((v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    probs = exps.map((e) => e / sum);
  } else if (task === "binary" && act !== "sigmoid") {
    probs = values.map((v) => 1 / (1 + Math.exp(-v)));
  }
  if (task === "binary" && probs.length === 1) return [1 - probs[0], probs[0]];
  return probs;
}

/** The true class of a probe target as trained (one-hot for multiclass, 0/1 for binary), or null. */
export function targetClass(task, target) {
  if (task === "multiclass" && target.length > 1) {
    let best = 0;
    for (let i = 1; i < target.length; i++) if (target[i] > target[best]) best = i;
    return best;
  }
  if (task === "binary" && target.length === 1) return target[0] >= 0.5 ? 1 : 0;
  if (task === "multiclass" && target.length === 1) return Math.round(target[0]);
  return null;
}
