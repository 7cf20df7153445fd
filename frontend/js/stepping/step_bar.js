// The phase-stepping bar over the network views: "forward one layer" and "backward one layer" (keys
// F and B), what the step trains on (the next batch or the probe sample), and the phase the server
// carried out last, in words, with the probe's loss once the loss phase has run.
import { html } from "htm/preact";
import { useEffect } from "preact/hooks";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { stepOn, stepBusy, inspection } from "./state.js";
import { stepForward, stepBackward, setStepOn, useSteppingFeeds } from "./actions.js";
import { forwardPhases, updateIsNext, phaseText, revealed } from "./phases.js";
import { formatValue } from "./numbers.js";

/** The keys of the two buttons (no modifier; never while typing in a field). */
export const KEYS = { forward: "f", backward: "b" };

function typing(target) {
  const el = /** @type {HTMLElement | null} */ (target);
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

/** F and B anywhere on the page (except in a text field or with a modifier) press the buttons. */
function useStepKeys(enabled) {
  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || typing(e.target)) return;
      const key = e.key.toLowerCase();
      if (key === KEYS.forward) {
        e.preventDefault();
        stepForward();
      } else if (key === KEYS.backward) {
        e.preventDefault();
        stepBackward();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled]);
}

export function StepBar() {
  useSteppingFeeds();
  const state = S.session.value;
  const owner = !S.readOnly.value;
  useStepKeys(owner && Boolean(state));
  if (!state) return null;
  const phase = state.phase;
  const count = state.model.layers.length;
  const shown = revealed(phase, count);
  const busy = stepBusy.value;
  const canForward = forwardPhases(phase) !== null;
  const update = updateIsNext(phase);
  const forwardTitle = canForward ? t("step.forwardTitle", { key: "F" }) : t("step.forwardDone");
  const backwardTitle = update ? t("step.updateTitle", { key: "B" }) : t("step.backwardTitle", { key: "B" });
  const probe = S.probe.value;
  const held = inspection.value;
  const loss = shown.stepping && shown.loss && held ? held.data.loss : null;
  return html`<div class="step-bar" data-testid="step-bar" data-control="step_phase" role="group" aria-label=${t("step.title")}
    aria-busy=${busy ? "true" : "false"}>
    ${owner
      ? html`<div class="step-buttons">
          <button type="button" class="btn btn-small step-forward" data-testid="step-forward" onClick=${stepForward}
            disabled=${!canForward} title=${forwardTitle} aria-label=${forwardTitle} aria-keyshortcuts="F">
            <span aria-hidden="true">→</span> ${t("step.forward")} <kbd>F</kbd>
          </button>
          <button type="button" class="btn btn-small step-backward" data-testid="step-backward" onClick=${stepBackward}
            title=${backwardTitle} aria-label=${backwardTitle} aria-keyshortcuts="B">
            <span aria-hidden="true">←</span> ${update ? t("step.update") : t("step.backward")} <kbd>B</kbd>
          </button>
          <label class="step-on">
            <span class="field-label">${t("step.on")}</span>
            <select data-testid="step-on" value=${stepOn.value} onChange=${(e) => setStepOn(e.currentTarget.value)}>
              <option value="batch">${t("step.onBatch")}</option>
              <option value="probe">${t("step.onProbe", { split: t(`probe.split.${probe.split}`), n: probe.index })}</option>
            </select>
          </label>
        </div>`
      : null}
    <div class="step-status">
      <span class=${`step-phase ${phase && phase.stage ? `is-${phase.stage}` : ""}`} data-testid="phase" role="status"
        data-stage=${(phase && phase.stage) || ""} data-layer=${phase && phase.layer !== null ? phase.layer : ""}>
        ${phaseText(phase, state.model)}
      </span>
      ${loss !== null && loss !== undefined
        ? html`<span class="step-loss" data-testid="step-loss" data-value=${String(loss)}>${t("step.loss", { value: formatValue(loss) })}</span>`
        : null}
    </div>
    ${shown.stepping ? html`<p class="hint step-hint">${t("step.valuesOf", { split: t(`probe.split.${probe.split}`), n: probe.index })}</p>` : null}
  </div>`;
}
