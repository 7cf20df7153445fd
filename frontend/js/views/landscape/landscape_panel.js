// The loss landscape view (concept 10): the training loss over a plane through the current weights
// (GET .../landscape), drawn as colour and contours, with the optimizer's path over it as the session
// trains, the optimizer's real next step (the server takes it on a copy: the next batch, momentum,
// Adam's moments, clipping and all) as the red arrow, and plain gradient descent's −η·∇L over the
// whole training set dashed beside it.
//
// The axes: for a model with exactly two trainable numbers (one neuron's weight and bias, or any
// model with all but two entries frozen) the server picks those two, and the map is the true
// landscape. For any other model, two chosen entries (the rest held where they are) or two seeded
// random directions through the current weights, each layer's part scaled to that layer's size.
//
// The map is recomputed when it opens, for a new network, and, for entry axes on a stopped session,
// after a step or an edit (while the last one took under RECOMPUTE_MS). A random plane is recomputed
// only on request: its path starts again then, as the plane is a new one.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as S from "../../state.js";
import { keptError } from "../../problems.js";
import { t, tOr } from "../../i18n.js";
import { useWatchedView } from "../../live_views.js";
import { api } from "../../api.js";
import { openSession, rememberToken } from "../../actions.js";
import { loadLandscape, clearLandscape, extendPath, entryNames, ONE_NEURON } from "./landscape_data.js";
import { drawLandscape, PATH_COLOUR, ARROW_COLOUR, PLAIN_COLOUR } from "./landscape_draw.js";

const RECOMPUTE_MS = 1500;
const SIZES = [21, 31, 41, 61];

function fmt(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toPrecision(4);
}

/** −η·gradient, plain gradient descent over the whole training set, at the learning rate the map was computed with. */
function plainStepOf(answer, state) {
  if (!answer || !answer.gradient || !state) return null;
  const lr = answer.next_step ? answer.next_step.learning_rate : state.training.learning_rate;
  return [-lr * answer.gradient[0], -lr * answer.gradient[1]];
}

/** Whether the training settings changed since the map's step was taken (its arrow is then another optimizer's or rate's). */
function arrowIsStale(answer, state) {
  const next = answer.next_step;
  return Boolean(next && (next.optimizer !== state.training.optimizer || next.learning_rate !== state.training.learning_rate));
}

async function openOneNeuron() {
  try {
    const created = await api.createSession(ONE_NEURON);
    rememberToken(created.id, created.owner_token);
    await openSession(created.id);
  } catch (err) {
    S.lastError.value = keptError(err, { layer: null, scope: "run" }); // read when shown: follows the language
  }
}

function Controls({ query, setQuery, names }) {
  const set = (changes) => setQuery({ ...query, ...changes });
  const entries = query.axes === "entries";
  return html`<div class="landscape-controls">
    <label>${t("landscape.axes")}
      <select value=${query.axes || ""} data-testid="landscape-axes" onChange=${(e) => {
        const axes = e.currentTarget.value || null;
        set(axes === "entries" ? { axes, x: query.x || names[0] || null, y: query.y || names[1] || null } : { axes, x: null, y: null });
      }}>
        <option value="">${t("landscape.axesAuto")}</option>
        <option value="entries">${t("landscape.axesEntries")}</option>
        <option value="random">${t("landscape.axesRandom")}</option>
      </select>
    </label>
    ${entries
      ? ["x", "y"].map((axis) => html`<label>${axis}
          <select value=${query[axis] || ""} data-testid=${`landscape-${axis}`} onChange=${(e) => set({ [axis]: e.currentTarget.value })}>
            ${names.map((name) => html`<option value=${name}>${name}</option>`)}
          </select>
        </label>`)
      : null}
    <label>${t("landscape.span")}
      <input type="number" min="0.01" max="100" step="any" value=${query.span} data-testid="landscape-span"
        onChange=${(e) => Number(e.currentTarget.value) > 0 && set({ span: Number(e.currentTarget.value) })} />
    </label>
    <label>${t("landscape.size")}
      <select value=${query.size} data-testid="landscape-size" onChange=${(e) => set({ size: Number(e.currentTarget.value) })}>
        ${SIZES.map((n) => html`<option value=${n}>${n}×${n}</option>`)}
      </select>
    </label>
    ${query.axes === "random" || (!query.axes && S.landscape.value?.answer?.axes === "random")
      ? html`<label>${t("landscape.seed")}
          <input type="number" min="0" step="1" value=${query.seed} data-testid="landscape-seed"
            onChange=${(e) => set({ seed: Math.max(0, Math.round(Number(e.currentTarget.value) || 0)) })} />
        </label>`
      : null}
  </div>`;
}

function Facts({ answer, state, pathCount, arrowPixels }) {
  const random = answer.axes === "random";
  const path = S.landscapePath;
  const next = answer.next_step;
  const plain = plainStepOf(answer, state);
  return html`<div class="landscape-facts">
    <span data-testid="landscape-axes-text">${random
      ? t("landscape.axesRandomText", { step: answer.step })
      : t("landscape.axesEntriesText", { x: answer.x_label, y: answer.y_label })}</span>
    <span data-testid="landscape-computed">${t("landscape.computed", { step: answer.step, n: answer.samples, loss: fmt(answer.center_loss) })}</span>
    ${next
      ? html`<span data-testid="landscape-arrow" data-optimizer=${next.optimizer}>${t("landscape.arrowStep", {
            optimizer: tOr(`optimizer.${next.optimizer}`, next.optimizer), lr: next.learning_rate, n: next.batch, dx: fmt(next.step[0]), dy: fmt(next.step[1]) })}
          ${next.in_plane < 0.995 ? ` ${t("landscape.arrowInPlane", { p: Math.round(next.in_plane * 100) })}` : ""}
          ${arrowPixels !== null && arrowPixels < 1 ? ` ${t("landscape.arrowTiny")}` : ""}
          ${arrowIsStale(answer, state) ? html` <strong data-testid="landscape-arrow-stale">${t("landscape.arrowStale")}</strong>` : null}</span>`
      : html`<span data-testid="landscape-arrow">${t("landscape.noStep")}</span>`}
    ${plain
      ? html`<span data-testid="landscape-plain">${t("landscape.arrowPlain", { dx: fmt(plain[0]), dy: fmt(plain[1]) })}</span>`
      : html`<span>${t("landscape.noGradient")}</span>`}
    ${answer.projection
      ? html`<span data-testid="landscape-path" data-points=${pathCount} data-since=${path.since ?? ""}>${t("landscape.path", { n: pathCount })}
          ${path.since !== null ? t("landscape.pathSince", { step: path.since }) : t("landscape.pathSinceOpened")}
          ${path.thinned ? ` ${t("landscape.pathThinned")}` : ""}${random ? ` ${t("landscape.pathShadow")}` : ""}</span>`
      : html`<span data-testid="landscape-path" data-points="0">${t("landscape.pathTooLarge")}</span>`}
  </div>`;
}

/** The view's tab: one panel per session (its axes and grid start from the defaults again). */
export function LandscapePanel() {
  return html`<${Landscape} key=${S.sessionId.value} />`;
}

function Landscape() {
  const state = S.session.value;
  const [query, setQuery] = useState({ axes: null, x: null, y: null, span: 1, size: 41, seed: 0 });
  const [drawn, setDrawn] = useState({ pathCount: 0, arrowPixels: null });
  const canvasRef = useRef(null);
  useWatchedView("weights");
  const shown = S.landscape.value;
  const answer = shown && shown.answer;
  const generation = state ? state.generation : -1;
  const sessionId = S.sessionId.value;

  // (Re)compute on opening, a new network or a new query.
  useEffect(() => {
    loadLandscape(query);
  }, [sessionId, generation, JSON.stringify(query)]);
  useEffect(() => () => clearLandscape(), [sessionId]);

  // Entry axes on a stopped session: follow its steps, edits and training settings while that is quick.
  const stopped = S.status.value !== "running";
  const now = { step: S.step.value, edits: S.editCount.value, training: state ? JSON.stringify(state.training) : "" };
  useEffect(() => {
    if (!answer || !stopped || answer.axes !== "entries" || shown.tookMs > RECOMPUTE_MS) return undefined;
    if (shown.at.step === now.step && shown.at.edits === now.edits && shown.at.training === now.training) return undefined;
    const timer = setTimeout(() => loadLandscape(query), 150);
    return () => clearTimeout(timer);
  }, [now.step, now.edits, now.training, stopped, answer]);

  // The path grows with the weights frames; the canvas is redrawn when the map or the path changed.
  useEffect(() => {
    let drawnKey = "";
    return S.frames.onFrame(() => {
      const current = S.landscape.peek();
      const canvas = canvasRef.current;
      if (!current || !current.answer || !canvas) return;
      extendPath(current.answer);
      const key = `${S.landscapePath.seq}|${current.answer.step}|${current.tookMs}`;
      if (key === drawnKey) return;
      drawnKey = key;
      const next = current.answer.next_step;
      const result = drawLandscape(canvas, current.answer, S.landscapePath.points, next ? next.step : null, plainStepOf(current.answer, S.session.peek()));
      const points = S.landscapePath.points;
      canvas.dataset.pathPoints = String(points.length);
      canvas.dataset.pathEnd = points.length ? points[points.length - 1].slice(0, 2).join(",") : "";
      canvas.dataset.pathStart = points.length ? points[0].slice(0, 2).join(",") : "";
      canvas.dataset.pathLastStep = points.length ? String(points[points.length - 1][2]) : "";
      setDrawn({ pathCount: S.landscapePath.points.length, arrowPixels: result.arrowPixels });
    });
  }, []);

  if (!state) return null;
  const names = entryNames();
  return html`<div class="panel-body landscape" data-testid="landscape">
    <div class="section-head">
      <h2 class="section-title">${t("view.landscape")}</h2>
      <button class="btn btn-small" data-testid="landscape-recompute" disabled=${S.landscapeLoading.value}
        onClick=${() => loadLandscape(query)}>${S.landscapeLoading.value ? t("landscape.computing") : t("landscape.recompute")}</button>
    </div>
    <${Controls} query=${query} setQuery=${setQuery} names=${names} />
    ${shown && shown.error ? html`<p class="value-error" role="alert" data-testid="landscape-error">${shown.error.message}</p>` : null}
    <canvas ref=${canvasRef} class="landscape-canvas" data-testid="landscape-canvas" data-drawn="0" role="img"
      aria-label=${answer ? t("landscape.canvasLabel", { x: answer.x_label, y: answer.y_label }) : t("view.landscape")}></canvas>
    <div class="landscape-legend" aria-hidden="true">
      <span><i style=${{ background: PATH_COLOUR }}></i>${t("landscape.legendPath")}</span>
      <span><i style=${{ background: ARROW_COLOUR }}></i>${t("landscape.legendArrow")}</span>
      <span><i class="legend-dashed" style=${{ borderColor: PLAIN_COLOUR }}></i>${t("landscape.legendPlain")}</span>
      <span>${t("landscape.legendColour")}</span>
    </div>
    ${answer ? html`<${Facts} answer=${answer} state=${state} pathCount=${drawn.pathCount} arrowPixels=${drawn.arrowPixels} />` : null}
    ${state.total_params > 2
      ? html`<p class="hint">${t("landscape.trueHint")}
          <button class="btn btn-small btn-ghost" data-testid="landscape-neuron-preset" onClick=${openOneNeuron}>${t("landscape.neuronPreset")}</button></p>`
      : null}
  </div>`;
}
