// What phase stepping adds to a block of the layer diagram (views/block_graph.js): a mark on the
// layer the phase works on (the block highlights through CSS :has), the range of the probe's
// outputs once the forward pass has passed the layer, the size of its dL/dy once the backward pass
// has, and for dense, conv and recurrent layers a button that opens the unit inspector on the layer.
import { html } from "htm/preact";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { inspection } from "./state.js";
import { inspectUnit } from "./actions.js";
import { revealed, currentLayer } from "./phases.js";
import { formatValue, flat } from "./numbers.js";
import { firstUnit } from "../views/inspector/first_unit.js";

function range(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [null, null];
}

function norm(values) {
  let sum = 0;
  for (const v of values) if (v !== null) sum += v * v;
  return Math.sqrt(sum);
}

export function BlockPhase({ index }) {
  const state = S.session.value;
  if (!state) return null;
  const spec = state.model.layers[index];
  const phase = state.phase;
  const shown = revealed(phase, state.model.layers.length);
  const current = currentLayer(phase) === index;
  const held = inspection.value;
  const data = shown.stepping && held && held.key.startsWith(`${state.id}|${state.generation}|`) ? held.data.layers[index] : null;
  const output = data && index < shown.forward ? flat(data.output) : null;
  const grads = data && index >= shown.gradsFrom ? flat(data.output_grad) : null;
  const [lo, hi] = output ? range(output) : [null, null];
  const shape = state.layers[index] ? state.layers[index].output_shape : [];
  const canInspect = (spec.type === "dense" && shape.length === 1) || (spec.type === "conv2d" && shape.length === 3) || spec.type === "simple_rnn";
  const open = () => inspectUnit(firstUnit(state, index));
  return html`<div class=${`block-phase ${current ? "is-current" : ""}`} data-testid="block-phase" data-current=${current ? "1" : "0"}>
    ${output ? html`<span class="block-values" data-testid="block-values">${t("step.blockValues", { lo: formatValue(lo), hi: formatValue(hi) })}</span>` : null}
    ${grads ? html`<span class="block-grads" data-testid="block-grads">${t("step.blockGrads", { norm: formatValue(norm(grads)) })}</span>` : null}
    ${canInspect
      ? html`<button type="button" class="btn btn-small btn-ghost" data-testid="block-inspect" onClick=${open}
          title=${t("insp.openLayer", { n: index + 1 })}>${t("insp.open")}</button>`
      : null}
  </div>`;
}
