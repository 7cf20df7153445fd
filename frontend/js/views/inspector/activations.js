// The element-wise activations as engine/activations.py defines them: f(u) for the curves of the
// f/f′ plots, and f′ at a unit from the server's own u and y = f(u) (the engine's backward uses y
// the same way: sigmoid′ = y(1 − y), tanh′ = 1 − y², ReLU′ = [y > 0]). Softmax has no scalar f′
// (each output depends on every u): the inspector shows its dL/du directly.

/** PyTorch's default negative slope, as the engine's LEAKY_SLOPE. */
export const LEAKY_SLOPE = 0.01;

/** @type {Record<string, {f: (u: number) => number, df: (u: number) => number, dfAt: (u: number, y: number) => number}>} */
const ELEMENTWISE = {
  linear: { f: (u) => u, df: () => 1, dfAt: () => 1 },
  sigmoid: {
    f: (u) => 1 / (1 + Math.exp(-u)),
    df: (u) => {
      const s = 1 / (1 + Math.exp(-u));
      return s * (1 - s);
    },
    dfAt: (u, y) => y * (1 - y),
  },
  tanh: { f: Math.tanh, df: (u) => 1 - Math.tanh(u) ** 2, dfAt: (u, y) => 1 - y * y },
  relu: { f: (u) => Math.max(u, 0), df: (u) => (u > 0 ? 1 : 0), dfAt: (u, y) => (y > 0 ? 1 : 0) },
  leaky_relu: {
    f: (u) => (u > 0 ? u : u * LEAKY_SLOPE),
    df: (u) => (u > 0 ? 1 : LEAKY_SLOPE),
    dfAt: (u, y) => (y > 0 ? 1 : LEAKY_SLOPE),
  },
};

/** The element-wise activation `name`, or null (softmax, unknown). */
export function elementwise(name) {
  return ELEMENTWISE[name] || null;
}

/**
 * Where f′ is small (under a tenth of its largest value): the saturated part of sigmoid and tanh,
 * the flat part of ReLU. Null for activations that have no such part (linear, leaky ReLU: f′ ≥ 0.01).
 */
export function flatWhere(name) {
  if (name === "sigmoid") return (u) => ELEMENTWISE.sigmoid.df(u) < 0.025;
  if (name === "tanh") return (u) => ELEMENTWISE.tanh.df(u) < 0.1;
  if (name === "relu") return (u) => u <= 0;
  return null;
}
