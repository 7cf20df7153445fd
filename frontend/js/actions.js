// Everything that changes state: opening a session, applying stream messages, and the user's
// changes (sent to the server, whose answer becomes the new state). Views call these functions.
import { batch, effect } from "@preact/signals";
import { api, ApiError } from "./api.js";
import { openStream } from "./stream.js";
import { localized } from "./problems.js";
import { onFrame, requestFrame } from "./frame.js";
import { loadPoints, abandonPoints } from "./sample_requests.js";
import * as S from "./state.js";
import { loadViewModules, wantedViews, probeWanted, accumulateRecord } from "./live_views.js";
import { readTokens, rememberToken, forgetSession, readLast, rememberOpened, loadMySessions } from "./owned_sessions.js";
import { showIfDeleted, checkDeleted } from "./deleted_session.js";

// Re-exported: the lessons keep their runs' tokens the same way.
export { readTokens, rememberToken } from "./owned_sessions.js";

// ---------------------------------------------------------------- opening a session
let stream = null;
let opening = 0; // bumps with every openSession, so a slow earlier one cannot win

function idFromPath() {
  const match = location.pathname.match(/^\/s\/([^/]+)\/?$/);
  return match ? decodeURIComponent(match[1]) : null;
}

/** Decide which session this page shows (share link, this browser's last one, or a new one). */
export async function start() {
  exposeTestHooks();
  window.addEventListener("popstate", () => {
    const id = idFromPath();
    if (id && id !== S.sessionId.peek()) openSession(id, { history: "none" }).catch(bootFailed);
  });
  try {
    S.catalog.value = await api.catalog();
    await loadViewModules(S.catalog.value);
    const linked = idFromPath();
    if (linked) {
      try {
        await openSession(linked, { history: "replace" });
        return;
      } catch (err) {
        if (showIfDeleted(linked, err)) return; // the link's page says when and why, and offers a new one
        if (!(err instanceof ApiError && err.status === 404)) throw err;
        S.notice.value = { key: "notice.missing" };
      }
    } else {
      const last = readLast();
      if (last && readTokens()[last]) {
        try {
          await openSession(last, { history: "replace" });
          return;
        } catch (err) {
          if (!(err instanceof ApiError && (err.status === 404 || err.status === 410))) throw err;
          forgetSession(last);
        }
      }
    }
    const created = await api.createSession({});
    rememberToken(created.id, created.owner_token);
    await openSession(created.id, { history: "replace" });
  } catch (err) {
    bootFailed(err);
  }
}

function bootFailed(err) {
  S.bootError.value = err.message || String(err);
  S.boot.value = "failed";
}

/**
 * Show session `id` in this page: read it, forget the previous one's state, stream it.
 * history: "push" (a new entry: back returns to the previous session), "replace" or "none".
 * Throws the ApiError of the read (e.g. 404) and changes nothing then.
 */
export async function openSession(id, { history: how = "push" } = {}) {
  const ticket = ++opening;
  const view = await api.getSession(id);
  if (ticket !== opening) return;
  const token = readTokens()[id] || null;
  if (stream) stream.close();
  stream = null;
  abandonPoints();
  batch(() => {
    S.sessionId.value = id;
    S.ownerToken.value = token;
    S.shareUrl.value = `${location.origin}/s/${id}`;
    S.session.value = null;
    S.points.value = null;
    S.lastError.value = null;
    S.deletedSession.value = null;
    S.draftLayers.value = null;
    S.focusNeuron.value = null;
    S.augmentPreview.value = null;
    S.probe.value = defaultProbe(view);
    S.drawMode.value = { ...S.drawMode.peek(), on: false };
    S.connection.value = "connecting";
    S.resetChart();
    S.clearTensors(-1);
    applyView(view);
    S.boot.value = "ready";
  });
  if (token) rememberOpened(id);
  const path = `/s/${encodeURIComponent(id)}`;
  if (how === "push" && location.pathname !== path) history.pushState(null, "", path);
  else if (how !== "none" && location.pathname !== path) history.replaceState(null, "", path);
  loadPoints();
  connect(id, token);
}

/** Start a fresh default session of our own and show it. */
export async function newSession() {
  try {
    const created = await api.createSession({});
    rememberToken(created.id, created.owner_token);
    S.dialog.value = null;
    S.notice.value = null;
    await openSession(created.id);
  } catch (err) {
    showError(err, "run");
  }
}

/** Copy this session (model, weights, history, data settings) into a new one we own, and show it. */
export async function forkSession() {
  const id = S.sessionId.peek();
  if (!id || S.forking.peek()) return;
  S.forking.value = true;
  try {
    const created = await api.fork(id);
    rememberToken(created.id, created.owner_token);
    await openSession(created.id);
    S.notice.value = { key: "notice.forked" };
  } catch (err) {
    showError(err, "run");
  } finally {
    S.forking.value = false;
  }
}

function connect(id, token) {
  if (stream) stream.close();
  const { views, probe, key } = subscription();
  subscribed = key;
  stream = openStream(id, {
    token,
    views,
    probe,
    onStatus: (value) => {
      if (S.sessionId.peek() === id) S.connection.value = value;
      if (value === "gone") checkDeleted(id); // deleted (4410): the page says when and why
    },
    onMessage: handleMessage,
    onTensor: handleTensor,
    // Reconnecting (or connecting after the REST read): ask only for the points after our last one.
    resume: () => {
      const n = S.chart.step.length;
      return n && S.chart.generation >= 0
        ? { since_step: S.chart.step[n - 1], generation: S.chart.generation }
        : null;
    },
  });
}

/**
 * What the subscribe should say: the views some component shows on screen that apply to this
 * session (none for a hidden tab), and the probe when one of them shows it.
 */
function subscription() {
  const views = document.visibilityState === "hidden" ? [] : wantedViews();
  const probe = probeWanted(views) ? { ...S.probe.value } : null;
  return { views, probe, key: JSON.stringify([views, probe]) };
}

let subscribed = "";
function resubscribe() {
  const { views, probe, key } = subscription();
  if (stream && key !== subscribed) stream.subscribe(views, probe);
  subscribed = key;
}

document.addEventListener("visibilitychange", resubscribe);
// Views mounting or leaving the screen, and a new probe, change the subscription at once.
effect(() => {
  S.viewWatchers.value;
  S.probe.value;
  resubscribe();
});

/** The probe a session starts with: the first validation sample (one not trained on), else the first training one. */
function defaultProbe(state) {
  return state.validation_size ? { split: "validation", index: 0 } : { split: "train", index: 0 };
}

/** Make sample `index` of `split` ("train" | "validation") the probe the views show. */
export function setProbe(split, index) {
  const state = S.session.peek();
  const total = state ? (split === "validation" ? state.validation_size : state.train_size) : 0;
  if (!total) return;
  const at = Math.max(0, Math.min(total - 1, Math.round(index)));
  const current = S.probe.peek();
  if (current.split !== split || current.index !== at) S.probe.value = { split, index: at };
}

// ---------------------------------------------------------------- applying server state
/**
 * While the stream is open it alone moves the counters and the status: a REST answer may have been
 * read just before a change the stream already reported (say, a divergence right after "play"), and
 * applying it late would show a status the server has left, with no later message to correct it.
 */
function streamOwnsCounters() {
  return S.connection.peek() === "open";
}

function applyState(state, fromStream = false) {
  const previous = S.session.peek();
  batch(() => {
    S.session.value = state;
    if (fromStream || !streamOwnsCounters()) {
      S.status.value = state.status;
      S.step.value = state.step;
      S.epoch.value = state.epoch;
    }
  });
  if (state.generation !== S.tensors.generation) S.clearTensors(state.generation);
  if (previous && JSON.stringify(previous.dataset) !== JSON.stringify(state.dataset)) loadPoints();
  const probe = S.probe.peek();
  const size = probe.split === "validation" ? state.validation_size : state.train_size;
  if (probe.index >= size) S.probe.value = defaultProbe(state); // the data changed under it
  resubscribe(); // the network or the data may have changed which views apply

  requestFrame();
}

/** A SessionView (GET or PATCH answer): the state plus the whole history. */
function applyView(view) {
  const { history: points, ...state } = view;
  applyState(state);
  if (state.generation !== S.chart.generation) S.replaceChart(state.generation, points);
  else S.appendChart(points);
  S.latestMetrics.value = S.lastChartPoint();
  requestFrame();
}

let pendingCounters = null;
let pendingChart = false;

function handleMessage(msg) {
  S.streamStats.texts += 1;
  switch (msg.type) {
    case "state":
      applyState(msg.state, true);
      break;
    case "history":
      S.streamStats.histories += 1;
      S.replaceChart(msg.generation, msg.points);
      pendingChart = true;
      requestFrame();
      break;
    case "metrics": {
      if (msg.generation !== S.chart.generation) return; // a history message for it is on its way
      if (msg.points.length) {
        S.appendChart(msg.points);
        pendingChart = true;
      }
      if (msg.batch_losses && msg.batch_losses.length) S.appendBatchLosses(msg.batch_losses);
      pendingCounters = msg;
      requestFrame();
      break;
    }
    case "ack":
      pendingCounters = { ...msg };
      requestFrame();
      break;
    case "error":
      if (msg.code === "not_found" || msg.code === "gone") break; // the socket closes (4404, 4410) and the page says so
      if (msg.code !== "forbidden" || S.ownerToken.peek()) {
        const problem = { code: msg.problem, params: msg.params, message: msg.message };
        S.lastError.value = Object.assign(localized(problem), { layer: null, scope: "run" });
      }
      break;
    default:
      break; // hello, pong
  }
}

function handleTensor(header, data) {
  S.streamStats.tensors += 1;
  if (header.generation !== S.tensors.generation) {
    const current = S.session.peek();
    if (!current || header.generation !== current.generation) return; // from a network that is gone
    S.clearTensors(header.generation);
  }
  S.storeTensor(header, data);
  accumulateRecord(header, data);
  requestFrame();
}

// Counters and metric numbers go to signals at most once per animation frame.
onFrame(() => {
  if (!pendingCounters && !pendingChart) return;
  batch(() => {
    if (pendingCounters) {
      const c = pendingCounters;
      pendingCounters = null;
      if (c.status) S.status.value = c.status;
      S.step.value = c.step;
      S.epoch.value = c.epoch;
    }
    if (pendingChart) {
      pendingChart = false;
      S.latestMetrics.value = S.lastChartPoint();
    }
  });
});

// ---------------------------------------------------------------- changes (owner only)
/**
 * `place(err)`, if given, says where the error shows and in what words ({layer, insertedAt, message});
 * otherwise the message is the problem's, in the language current when it is shown.
 */
function showError(err, scope, place = null) {
  const placed = place ? place(err) : null;
  const where = { layer: err instanceof ApiError ? err.layer : null, scope };
  if (placed) {
    S.lastError.value = { ...where, ...placed };
    return;
  }
  const text = err instanceof ApiError ? localized(err.problem) : { message: err instanceof Error ? err.message : String(err) };
  S.lastError.value = Object.assign(text, where);
}

export function dismissError() {
  S.lastError.value = null;
}

let queue = Promise.resolve();

/**
 * Send PATCHes one after another (so quick clicks arrive in order) and apply each answer.
 * `body` may be a function, called when the request goes out, so it builds on the state the
 * previous request left (e.g. the list of drawn points).
 */
export function patch(body, scope, placeError = null) {
  const id = S.sessionId.peek();
  const token = S.ownerToken.peek();
  if (!token) return Promise.resolve(null);
  S.pending.value += 1;
  const run = async () => {
    try {
      if (S.sessionId.peek() !== id) return null; // the page moved on to another session
      const payload = typeof body === "function" ? body() : body;
      if (!payload) return null;
      const view = await api.patchSession(id, token, payload);
      if (S.sessionId.peek() !== id) return null;
      if (S.lastError.peek() && S.lastError.peek().scope === scope) S.lastError.value = null;
      applyView(view);
      return view;
    } catch (err) {
      if (S.sessionId.peek() === id) {
        showError(err, scope, placeError);
        S.draftLayers.value = null; // show what the server really has
      }
      return null;
    } finally {
      S.pending.value -= 1;
      if (S.pending.peek() === 0) S.draftLayers.value = null;
    }
  };
  const result = queue.then(run);
  queue = result.catch(() => {});
  return result;
}

/**
 * Dataset changes. The network follows the data on the server (sessions/follow_data.py): the input
 * shape always, the starting network of the new data on a switch of kind, else the output layer.
 */
export function changeDataset(changes) {
  return patch({ dataset: changes }, "data");
}

/** Training changes apply live while running. `clear` lists nullable fields to reset. */
export function changeTraining(changes, clear = []) {
  const body = {};
  if (Object.keys(changes).length) body.training = changes;
  if (clear.length) body.clear = clear;
  return patch(body, "training");
}

// ---------------------------------------------------------------- augmentation (image sets)
/** Change some augmentation settings (the others keep their values); the weights stay. */
export function setAugment(changes) {
  return patch(() => ({ dataset: { augment: { ...S.session.peek().dataset.augment, ...changes } } }), "data");
}

// ---------------------------------------------------------------- uploads
/**
 * Send the learner's file; on success the session trains on it (a fitting network, new weights).
 * format: "csv" (options.labelColumn) or "images" (options.side, options.color).
 * Returns null on success, else the server's message (the dialog shows it in place).
 */
export async function uploadFile(format, file, options) {
  const id = S.sessionId.peek();
  const token = S.ownerToken.peek();
  if (!token) return "view only";
  S.pending.value += 1;
  try {
    const view = format === "csv"
      ? await api.uploadCsv(id, token, file, options.labelColumn)
      : await api.uploadImages(id, token, file, options.side, options.color);
    if (S.sessionId.peek() === id) {
      applyView(view);
      if (S.lastError.peek() && S.lastError.peek().scope === "data") S.lastError.value = null;
    }
    return null;
  } catch (err) {
    return err instanceof ApiError && err.status === 413 && !err.message.includes("limit")
      ? `${err.message} (5 MB)`
      : err.message;
  } finally {
    S.pending.value -= 1;
  }
}

// ---------------------------------------------------------------- dialogs
export function openDialog(name) {
  S.dialog.value = name;
  if (name === "sessions") loadMySessions();
}

export function closeDialog() {
  S.dialog.value = null;
}

// ---------------------------------------------------------------- run commands
export async function command(action, unit = "batch") {
  const id = S.sessionId.peek();
  const token = S.ownerToken.peek();
  if (!token) return;
  try {
    const answer = await api.command(id, token, action, unit);
    if (S.sessionId.peek() !== id) return;
    batch(() => {
      if (!streamOwnsCounters()) {
        S.status.value = answer.status;
        S.step.value = answer.step;
        S.epoch.value = answer.epoch;
      }
      if (S.lastError.peek() && S.lastError.peek().scope === "run") S.lastError.value = null;
    });
  } catch (err) {
    showError(err, "run");
  }
}

export function togglePlay() {
  return command(S.status.peek() === "running" ? "pause" : "play");
}

// ---------------------------------------------------------------- hooks for tests and benchmarks
function exposeTestHooks() {
  window.__neuroplay = {
    /** Drop the websocket as a network failure would; it reconnects after `ms` (and resumes). */
    dropStream: (ms = 0) => stream && stream.drop(ms),
    /** The steps of the chart's points, in order. */
    chartSteps: () => S.chart.step.slice(),
    stats: S.streamStats,
    /** What the last subscribe asked for: {views, probe}. */
    subscription: () => {
      const [views, probe] = subscribed ? JSON.parse(subscribed) : [[], null];
      return { views, probe };
    },
  };
}
