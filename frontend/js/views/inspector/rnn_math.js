// The numbers of one hidden unit j of a simple_rnn at one time step t, from the server's inspection
// (its `recurrence`: h_0, h_t, dL/dh_t, dL/du_t per step) and parameters (W_x, W_h, b) of the same
// step. What the server sends is shown as it is (f′(u_t) too, by the engine's own activation); only
// the products, their sums and the step's shares of the weights' gradients are worked out here: dL/dW_x[i] at step t is dL/du_t · x_t[i], dL/dW_h[k] is dL/du_t · h_(t−1)[k]. The server's
// dL/dW is the sum of those shares over every step (backpropagation through time).
/** x·w, or null when either is missing (a non-finite number the server sent as null). */
const times = (a, b) => (a === null || b === null ? null : a * b);

/** Σ of the products, or null if any is missing. */
const total = (rows) => rows.reduce((acc, r) => (acc === null || r.product === null ? null : acc + r.product), 0);

/** [time steps T, units] of simple_rnn layer `layer` in the session `state`. */
export function rnnShape(state, layer) {
  const input = layer === 0 ? state.model.input_shape : state.layers[layer - 1].output_shape;
  const units = state.model.layers[layer].units ?? state.layers[layer].output_shape.slice(-1)[0];
  return [input[0], units];
}

/**
 * Unit `j` of recurrent layer `layer` at step `t`: the input rows {i, x, w, product, share, total}
 * (x = x_t[i], w = W_x[i][j]), the state rows {k, h, w, product, share, total} (h = h_(t−1)[k],
 * w = W_h[k][j]), the sums, b, u, y = h_t, and dL/dh, f′(u), dL/du, the step's dL/db share and the
 * server's dL/db over all steps. `values` is {W_x, W_h, b} as GET .../params answers them.
 */
export function rnnUnit(insp, layer, { unit: j, step: t }, spec, values) {
  const L = insp.layers[layer];
  const steps = L.recurrence;
  const activation = spec.activation || "tanh";
  const xt = L.input[t];
  const previous = t === 0 ? steps.initial_state : steps.states[t - 1];
  const du = steps.preactivation_grads[t][j];
  const grads = L.param_grads;
  const inputs = xt.map((x, i) => {
    const w = values.W_x[i][j];
    return { i, x, w, product: times(x, w), share: times(du, x), total: grads.W_x ? grads.W_x[i][j] : null };
  });
  const states = previous.map((h, k) => {
    const w = values.W_h[k][j];
    return { k, h, w, product: times(h, w), share: times(du, h), total: grads.W_h ? grads.W_h[k][j] : null };
  });
  const y = steps.states[t][j];
  const u = L.preactivation[t][j];
  return {
    kind: "rnn",
    activation,
    step: t,
    steps: steps.states.length,
    inputs,
    states,
    sumX: total(inputs),
    sumH: total(states),
    bias: values.b ? values.b[j] : null,
    u,
    y,
    dy: steps.state_grads[t][j],
    dfdu: L.slope ? L.slope[t][j] : null,
    du,
    dbTotal: grads.b ? grads.b[j] : null,
  };
}
