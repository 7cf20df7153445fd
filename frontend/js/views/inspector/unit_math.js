// The numbers of one unit, taken from the server's inspection (GET .../inspect) and parameters
// (GET .../params) of the same step. What the server sends is shown as it is (x_i, w_i, b, u, f(u),
// f′(u) and dL/du as the engine's own activation computes them, dL/dy, dL/dw_i, dL/db); only what it
// does not send is worked out here, each in the one obvious way: the products w_i·x_i and their sum,
// and for a conv unit its position's share dL/du·x_i of dL/dW.
import { flat } from "../../stepping/numbers.js";

/**
 * Unit `j` of dense layer `layer`: rows {i, x, w, product, dw} and the unit's u, y, dL/dy, f′(u),
 * dL/du, dL/db. `W` is (in, out) nested lists, `b` (out) or null.
 */
export function denseUnit(insp, layer, j, spec, W, b) {
  const L = insp.layers[layer];
  const x = flat(L.input);
  const outputs = flat(L.output);
  const outputGrads = flat(L.output_grad);
  const gradW = L.param_grads.W || null;
  const gradB = L.param_grads.b ? flat(L.param_grads.b) : null;
  const activation = spec.activation || "linear";
  const rows = x.map((xi, i) => {
    const w = W[i][j];
    return { i, x: xi, w, product: xi !== null && w !== null ? xi * w : null, dw: gradW ? gradW[i][j] : null };
  });
  const sum = rows.reduce((acc, r) => (acc === null || r.product === null ? null : acc + r.product), 0);
  const bias = b ? b[j] : null;
  const u = flat(L.preactivation)[j] ?? null;
  const y = outputs[j] ?? null;
  const dy = outputGrads[j] ?? null;
  const dfdu = L.slope ? flat(L.slope)[j] ?? null : null;
  const du = L.preactivation_grad ? flat(L.preactivation_grad)[j] ?? null : null;
  return { kind: "dense", activation, rows, sum, bias, u, y, dy, dfdu, du, db: gradB ? gradB[j] : null };
}

/**
 * Unit (channel c, row r, column k) of conv layer `layer`: its receptive field per input channel
 * (padding cells marked), the kernel W[c], the products, and u, y, dL/dy, f′(u), dL/du of the cell,
 * its share dL/du·x of dL/dW[c], and the server's dL/dW[c] and dL/db[c] (summed over every position).
 * `padding` is the layer's zero border [top, bottom, left, right] as the server reports it
 * (`SessionState.layers[layer].padding`).
 */
export function convUnit(insp, layer, { channel: c, row: r, col: k }, spec, W, b, padding) {
  const L = insp.layers[layer];
  const input = L.input; // (C_in, H, W)
  const inShape = [input.length, input[0].length, input[0][0].length];
  const [top, , left] = padding || [0, 0, 0, 0];
  const size = spec.kernel_size ?? 3;
  const stride = spec.stride ?? 1;
  const kernel = W[c]; // (C_in, kh, kw)
  const activation = spec.activation || "linear";
  const u = L.preactivation ? L.preactivation[c][r][k] : null;
  const y = L.output[c][r][k];
  const dy = L.output_grad[c][r][k];
  const dfdu = L.slope ? L.slope[c][r][k] : null;
  const du = L.preactivation_grad ? L.preactivation_grad[c][r][k] : null;
  let sum = 0;
  const channels = kernel.map((plane, ci) => {
    const cells = plane.map((weights, di) =>
      weights.map((w, dj) => {
        const row = r * stride - top + di;
        const col = k * stride - left + dj;
        const padded = row < 0 || col < 0 || row >= inShape[1] || col >= inShape[2];
        const x = padded ? 0 : input[ci][row][col];
        const product = x === null || w === null ? null : x * w;
        sum = sum === null || product === null ? null : sum + product;
        return { di, dj, row, col, padded, x, w, product, share: du === null || x === null ? null : du * x };
      }),
    );
    return { ci, cells, totalGrad: L.param_grads.W ? L.param_grads.W[c][ci] : null };
  });
  const gradB = L.param_grads.b ? L.param_grads.b[c] : null;
  return { kind: "conv", activation, size, stride, padding: [top, left], channels, sum, bias: b ? b[c] : null, u, y, dy, dfdu, du, db: gradB };
}
