// Which layers' units can be inspected and the first unit of one: what the network views need before
// the inspector itself is loaded (it loads when a unit is first inspected, see views/inside_column.js).
import { rnnShape } from "./rnn_math.js";

/** The layers whose units the inspector explains. */
export const INSPECTABLE = ["dense", "conv2d", "simple_rnn"];

/** The first unit of layer `layer` (an RNN's at its last time step). */
export function firstUnit(state, layer) {
  const spec = state.model.layers[layer];
  if (spec.type === "simple_rnn") return { layer, unit: 0, step: rnnShape(state, layer)[0] - 1 };
  return spec.type === "conv2d" ? { layer, channel: 0, row: 0, col: 0 } : { layer, unit: 0 };
}
