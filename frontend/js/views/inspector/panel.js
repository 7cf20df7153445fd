// The unit inspector: every number of one unit for the probe sample (concepts 1, 3 and 12). A dense
// unit is picked on the neuron graph (click, or Tab/arrow keys and Enter) or here; a conv unit on a
// cell of an enlarged feature map in the probe view, or here; a recurrent unit at a time step on a
// cell of the RNN view's heatmap (click, or arrow keys and Enter), from its block, or here. While a training step is walked phase
// by phase, the unit's forward numbers appear once the forward pass has reached its layer and its
// gradients once the backward pass has.
import { html } from "htm/preact";
import * as S from "../../state.js";
import { t, tOr } from "../../i18n.js";
import { inspection, inspected, inspectedParams } from "../../stepping/state.js";
import { inspectUnit } from "../../stepping/actions.js";
import { revealed } from "../../stepping/phases.js";
import { denseUnit, convUnit } from "./unit_math.js";
import { DenseUnit } from "./dense_view.js";
import { ConvUnit } from "./conv_view.js";
import { rnnShape, rnnUnit } from "./rnn_math.js";
import { RnnUnit } from "./rnn_view.js";
import { INSPECTABLE, firstUnit } from "./first_unit.js";
import { activationLabel } from "../../catalog_labels.js";

/** The unit clamped into layer `layer`'s output (shape without the batch axis; [T, units] for an RNN). */
function clampUnit(unit, shape) {
  const clamp = (v, n) => Math.max(0, Math.min(n - 1, Math.round(Number(v) || 0)));
  if ("step" in unit) return { layer: unit.layer, unit: clamp(unit.unit, shape[1]), step: clamp(unit.step, shape[0]) };
  if (shape.length === 3) {
    return { layer: unit.layer, channel: clamp(unit.channel, shape[0]), row: clamp(unit.row, shape[1]), col: clamp(unit.col, shape[2]) };
  }
  return { layer: unit.layer, unit: clamp(unit.unit, shape[0]) };
}

/** What a unit of layer `layer` is picked within: its output shape, or [T, units] for an RNN. */
function unitShape(state, layer) {
  const spec = state.model.layers[layer];
  if (spec && spec.type === "simple_rnn") return rnnShape(state, layer);
  return state.layers[layer] ? state.layers[layer].output_shape : [1];
}

function Picker({ state, unit }) {
  const layers = state.model.layers.map((spec, i) => ({ spec, i })).filter(({ spec }) => INSPECTABLE.includes(spec.type));
  const shape = unitShape(state, unit.layer);
  const pick = (changes) => inspectUnit(clampUnit({ ...unit, ...changes }, shape));
  const number = (name, value, max, label) => html`<label class="insp-pick">
    <span class="field-label">${label}</span>
    <input type="number" min="1" max=${max} value=${value + 1} data-testid=${`insp-pick-${name}`}
      onChange=${(e) => pick({ [name]: Number(e.currentTarget.value) - 1 })} />
  </label>`;
  return html`<div class="insp-picker">
    <label class="insp-pick">
      <span class="field-label">${t("insp.layer")}</span>
      <select data-testid="insp-pick-layer" value=${String(unit.layer)}
        onChange=${(e) => inspectUnit(firstUnit(state, Number(e.currentTarget.value)))}>
        ${layers.map(({ spec, i }) => html`<option value=${String(i)}>${i + 1}. ${tOr(`layer.${spec.type}`, spec.type)}</option>`)}
      </select>
    </label>
    ${"step" in unit
      ? html`${number("unit", unit.unit, shape[1], t("insp.unit"))}${number("step", unit.step, shape[0], t("insp.step", { n: shape[0] }))}`
      : shape.length === 3
        ? html`${number("channel", unit.channel, shape[0], t("insp.channel"))}${number("row", unit.row, shape[1], t("insp.row"))}${number("col", unit.col, shape[2], t("insp.col"))}`
        : number("unit", unit.unit, shape[0], t("insp.unit"))}
  </div>`;
}

function unitName(unit) {
  if ("step" in unit) return t("insp.rnnName", { n: unit.layer + 1, u: unit.unit + 1, t: unit.step + 1 });
  return "channel" in unit
    ? t("insp.convName", { n: unit.layer + 1, c: unit.channel + 1, r: unit.row + 1, col: unit.col + 1 })
    : t("insp.denseName", { n: unit.layer + 1, u: unit.unit + 1 });
}

function Body({ state, unit }) {
  const spec = state.model.layers[unit.layer];
  const held = inspection.value;
  const params = inspectedParams.value;
  if (!held || !params || params.key !== `${held.key}|layer${unit.layer}`) {
    return html`<p class="hint" data-testid="insp-loading">${t("insp.loading")}</p>`;
  }
  const shown = revealed(state.phase, state.model.layers.length);
  if (unit.layer >= shown.forward) {
    return html`<p class="hint insp-wait" data-testid="insp-forward-wait">${t("insp.forwardLater", { n: unit.layer + 1 })}</p>`;
  }
  const grads = unit.layer >= shown.gradsFrom;
  const { W, b } = params.values;
  if (spec.type === "simple_rnn") {
    return html`<${RnnUnit} unit=${rnnUnit(held.data, unit.layer, unit, spec, params.values)} grads=${grads} />`;
  }
  if (spec.type === "conv2d") {
    return html`<${ConvUnit} unit=${convUnit(held.data, unit.layer, unit, spec, W, b ?? null, state.layers[unit.layer]?.padding)} grads=${grads} />`;
  }
  return html`<${DenseUnit} unit=${denseUnit(held.data, unit.layer, unit.unit, spec, W, b ?? null)} grads=${grads} />`;
}

export function UnitInspector() {
  const state = S.session.value;
  const unit = inspected.value;
  if (!state || !unit) return null;
  const spec = state.model.layers[unit.layer];
  const shape = state.layers[unit.layer] ? state.layers[unit.layer].output_shape : null;
  const fits = spec && shape && (spec.type === "simple_rnn" ? "step" in unit : !("step" in unit) && shape.length === ("channel" in unit ? 3 : 1));
  if (!fits || !INSPECTABLE.includes(spec.type)) return null;
  const probe = S.probe.value;
  const held = inspection.value;
  const onKey = (e) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    inspectUnit(null);
  };
  return html`<section class="inspector" data-testid="inspector" aria-labelledby="inspector-title" onKeyDown=${onKey}
    data-layer=${unit.layer} data-step=${held ? held.data.step : ""}>
    <div class="section-head">
      <h2 class="section-title" id="inspector-title" aria-live="polite">${unitName(unit)}</h2>
      <button type="button" class="btn btn-small btn-ghost" data-testid="insp-close" onClick=${() => inspectUnit(null)}
        aria-label=${t("insp.close")} title=${t("insp.close")}>×</button>
    </div>
    <p class="hint">${t("insp.of", { f: activationLabel(spec.activation || (spec.type === "simple_rnn" ? "tanh" : "linear")), split: t(`probe.split.${probe.split}`), n: probe.index })}</p>
    <${Picker} state=${state} unit=${unit} />
    <${Body} state=${state} unit=${unit} />
  </section>`;
}
