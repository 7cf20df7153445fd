// What changes the stepping state: the phase buttons (each click one or several phase commands, see
// phases.js), choosing the unit to inspect, and the feeds that keep the probe's inspection, the
// inspected layer's parameters and the pre-activation histograms in step with the session.
import { effect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import * as S from "../state.js";
import { ApiError } from "../api.js";
import { keptError } from "../problems.js";
import { stepApi } from "./api.js";
import { stepOn, stepBusy, inspection, inspected, inspectedParams, preactivations, phaseWalks as walks } from "./state.js";
import { forwardPhases, backwardPhases, isPartial } from "./phases.js";

/** How many samples of the probe's split the pre-activation histograms count. */
export const HISTOGRAM_SAMPLES = 256;
/**
 * While training runs, the feeds read again at most this often (ms): the inspection (only read
 * while the inspector is open or a step is shown) about twice a second, the histograms (read
 * whenever the page is open, by every watcher) every two seconds; 7 ms of server CPU each for the
 * digits CNN (docs/performance.md).
 */
const RUNNING_INTERVAL = { inspection: 600, preactivations: 2000 };
const COALESCE_MS = 60; // ms a pre-activation read waits for the next state of a burst

/** The error kept whole and read when shown, so it follows a language switch (problems.js). */
function showError(err) {
  S.lastError.value = keptError(err, { layer: null, scope: "run" });
}

/**
 * The phase the server carried out last, as far as this page knows: while clicks are queued, the
 * last answer's; otherwise the session's state (which also shows what other commands did).
 */
function phaseNow() {
  if (walks.phase) return walks.phase;
  const state = S.session.peek();
  return state ? state.phase : null;
}

/**
 * Queue one click: when its turn comes, `plan(phase)` says how many phase commands it takes from
 * the phase then current (null: none), and `done(phase)` may end it earlier. Each answer names the
 * phase carried out.
 */
function walk(plan, done) {
  walks.queued += 1;
  walks.chain = walks.chain.then(async () => {
    const id = S.sessionId.peek();
    const token = S.ownerToken.peek();
    stepBusy.value = true;
    try {
      const limit = plan(phaseNow());
      if (!token || limit === null) return;
      for (let i = 0; i < limit; i++) {
        const answer = await stepApi.phase(id, token, stepOn.peek(), { ...S.probe.peek() });
        if (S.sessionId.peek() !== id) return;
        walks.phase = answer.phase;
        if (answer.status === "diverged" || done(answer.phase)) break;
      }
      if (S.lastError.peek() && S.lastError.peek().scope === "run") S.lastError.value = null;
    } catch (err) {
      showError(err);
    } finally {
      walks.queued -= 1;
      if (!walks.queued) walks.phase = null; // from now on the session's state says where it stands
      stepBusy.value = walks.queued > 0;
    }
  });
  return walks.chain;
}

/** "Forward one layer": the next forward phase (or the loss after the last layer). */
export function stepForward() {
  return walk(forwardPhases, () => true);
}

/**
 * "Backward one layer": the forward pass and the loss first when they are not done, then one layer
 * back (after layer 0: the update).
 */
export function stepBackward() {
  return walk(
    (phase) => {
      const state = S.session.peek();
      return state ? backwardPhases(phase, state.model.layers.length) : null;
    },
    (p) => p.stage === "backward" || p.stage === "update" || !p.stage,
  );
}

export function setStepOn(value) {
  stepOn.value = value === "probe" ? "probe" : "batch";
}

/** Show unit `unit` ({layer, unit}, {layer, channel, row, col} or {layer, unit, step}) in the inspector; null closes it. */
export function inspectUnit(unit) {
  inspected.value = unit;
}

// ---------------------------------------------------------------- feeds

/** What the inspection should be read for now (its key), or null when nothing shows it. */
function inspectionKey(state, probe, unit, version) {
  if (!state) return null;
  const phase = state.phase;
  if (!(phase && phase.stage) && !unit) return null; // neither a step shown nor a unit inspected
  const base = `${state.id}|${state.generation}|${probe.split}:${probe.index}`;
  // A partial step shows the weights from before it: one read serves the whole step.
  if (isPartial(phase)) return `${base}|step${state.step}`;
  // Just after its update: keep the numbers of the step just taken.
  const held = inspection.peek();
  if (phase && phase.stage === "update" && held && held.key === `${base}|step${state.step - 1}`) return held.key;
  return `${base}|step${state.step}|v${version}`;
}

/** The parameters the inspector shows of a layer (none for a layer it does not explain). */
function paramsShown(spec) {
  if (!spec) return [];
  if (spec.type === "simple_rnn") return ["W_x", "W_h", "b"];
  if (spec.type === "dense" || spec.type === "conv2d") return spec.use_bias !== false ? ["W", "b"] : ["W"];
  return [];
}

/** Read the inspection and the inspected layer's parameters, all of one step (read again if they differ). */
async function readInspection(want, signal) {
  const id = want.state.id;
  const probe = want.probe;
  const layer = want.unit ? want.unit.layer : null;
  const names = layer === null ? [] : paramsShown(want.state.model.layers[layer]);
  let data = inspection.peek() && inspection.peek().key === want.key ? inspection.peek().data : null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [insp, ...read] = await Promise.all([
      data || stepApi.inspect(id, probe.split, probe.index, signal),
      ...names.map((name) => stepApi.param(id, layer, name, signal)),
    ]);
    if (signal.aborted) return;
    if (read.some((p) => p.step !== insp.step) && attempt < 2) {
      data = null; // training moved on between the reads: read them all again
      continue;
    }
    inspection.value = { key: want.key, data: insp };
    /** @type {Record<string, any>} */
    const values = {};
    names.forEach((name, k) => (values[name] = read[k].values));
    inspectedParams.value = names.length ? { key: want.paramKey, step: read[0].step, values } : null;
    return;
  }
}

/** Keep `inspection`, `inspectedParams` and `preactivations` in step with the session while mounted. */
export function useSteppingFeeds() {
  useEffect(() => {
    let version = 0;
    let seen = null;
    const feeds = [
      { name: "inspection", controller: null, last: -Infinity, timer: 0, wanted: null },
      { name: "preactivations", controller: null, last: -Infinity, timer: 0, wanted: null },
    ];
    const run = (feed, want) => {
      clearTimeout(feed.timer);
      feed.timer = 0; // 0: no read waiting
      const wait = S.status.peek() === "running" ? feed.last + RUNNING_INTERVAL[feed.name] - performance.now() : 0;
      if (wait > 0) {
        feed.timer = setTimeout(() => run(feed, feed.wanted), wait);
        return;
      }
      if (feed.controller) feed.controller.abort();
      const controller = new AbortController();
      feed.controller = controller;
      feed.last = performance.now();
      const read = feed.name === "inspection" ? readInspection(want, controller.signal) : readPreactivations(want, controller.signal);
      read
        .catch((err) => {
          if (err && err.name === "AbortError") return;
          if (err instanceof ApiError && (err.status === 404 || err.status === 410)) return; // the session is gone: its banner says so
          console.warn(`NeuroPlay: could not read the ${feed.name}`, err);
        })
        .finally(() => {
          if (feed.controller === controller) feed.controller = null;
        });
    };
    const dispose = effect(() => {
      const state = S.session.value;
      S.step.value; // a new step (while playing: the counter moves, not the state)
      const probe = S.probe.value;
      const unit = inspected.value;
      if (state !== seen) {
        seen = state;
        version += 1;
      }
      const key = inspectionKey(state, probe, unit, version);
      const layer = unit ? unit.layer : null;
      const paramKey = key && layer !== null ? `${key}|layer${layer}` : null;
      const [insp, hist] = feeds;
      const held = inspection.peek();
      const heldParams = inspectedParams.peek();
      if (key && (!held || held.key !== key || (paramKey && (!heldParams || heldParams.key !== paramKey)))) {
        insp.wanted = { key, paramKey, state, probe, unit };
        run(insp, insp.wanted);
      }
      if (state) {
        const histKey = `${state.id}|${state.generation}|${probe.split}|${S.step.peek()}|v${version}`;
        const heldHist = preactivations.peek();
        if (!heldHist || heldHist.key !== histKey) {
          hist.wanted = { key: histKey, state, probe };
          // A burst of new states (three as the page opens) makes one read, not three: a read already
          // waiting takes the newest want when its time comes.
          if (!hist.timer) hist.timer = setTimeout(() => run(hist, hist.wanted), COALESCE_MS);
        }
      }
    });
    return () => {
      dispose();
      for (const feed of feeds) {
        clearTimeout(feed.timer);
        if (feed.controller) feed.controller.abort();
      }
    };
  }, []);
}

async function readPreactivations(want, signal) {
  const data = await stepApi.preactivations(want.state.id, want.probe.split, HISTOGRAM_SAMPLES, signal);
  if (!signal.aborted) preactivations.value = { key: want.key, data };
}
