// The phases of one training step as the server walks them (sessions/phase_steps.py): forward
// through layer 0 … L−1, the loss, backward through L−1 … 0, the update. What each button does from
// each phase, which numbers a phase has made known, and the phase in words. No DOM, no state.
import { t, tOr } from "../i18n.js";

/** @typedef {{stage: "forward" | "loss" | "backward" | "update" | null, layer: number | null, on?: string | null}} Phase */

/** Whether a step is partly done (some phases carried out, not its update). */
export function isPartial(phase) {
  return Boolean(phase && phase.stage && phase.stage !== "update");
}

/**
 * What "forward one layer" does from `phase`: the next forward phase, or the loss after the last
 * layer (1 phase); null once the forward pass and the loss are done (the step must go back first).
 */
export function forwardPhases(phase) {
  const stage = phase ? phase.stage : null;
  return stage === "loss" || stage === "backward" ? null : 1;
}

/**
 * How many phases "backward one layer" carries out from `phase` in a network of `count` layers.
 * Before the forward pass is done it finishes it and the loss first, then goes back through the last
 * layer (there is no gradient to carry back before the loss); in the backward pass it goes back one
 * layer; after layer 0 it applies the update.
 */
export function backwardPhases(phase, count) {
  const stage = phase ? phase.stage : null;
  if (stage === "forward") return count - (phase.layer ?? 0) + 1;
  if (stage === "loss" || stage === "backward") return 1;
  return count + 2; // no step in progress (or the last one done): a whole forward pass, the loss, one layer back
}

/** Whether the next backward click applies the update (the backward pass has reached layer 0). */
export function updateIsNext(phase) {
  return Boolean(phase && phase.stage === "backward" && phase.layer === 0);
}

/**
 * What the probe's numbers a phase has made known: the outputs of layers below `forward`, the loss,
 * and the gradients of layers from `gradsFrom` up. With no phase shown everything is known (the
 * inspection is of the weights as they stand); `stepping` says whether a step is being walked.
 * @param {Phase | null} phase
 * @param {number} count
 */
export function revealed(phase, count) {
  const stage = phase ? phase.stage : null;
  if (stage === "forward") return { stepping: true, forward: (phase.layer ?? 0) + 1, loss: false, gradsFrom: count };
  if (stage === "loss") return { stepping: true, forward: count, loss: true, gradsFrom: count };
  if (stage === "backward") return { stepping: true, forward: count, loss: true, gradsFrom: phase.layer ?? 0 };
  return { stepping: stage === "update", forward: count, loss: true, gradsFrom: 0 };
}

/** The layer a phase works on (highlighted in the network views), or null (loss, update, none). */
export function currentLayer(phase) {
  return phase && (phase.stage === "forward" || phase.stage === "backward") ? phase.layer : null;
}

/** The phase in words: "forward · layer 2 (dense)", "loss", "backward · layer 1 (dense)", "update". */
export function phaseText(phase, model) {
  if (!phase || !phase.stage) return t("step.phaseNone");
  if (phase.stage === "loss") return t("step.phaseLoss");
  if (phase.stage === "update") return t("step.phaseUpdate");
  const spec = model.layers[phase.layer] || { type: "?" };
  const params = { n: phase.layer + 1, type: tOr(`layer.${spec.type}`, spec.type) };
  return phase.stage === "forward" ? t("step.phaseForward", params) : t("step.phaseBackward", params);
}
