// What the learner does: opening a session, and the user's changes (sent to the server, whose
// answer becomes the new state: server_state.js). Views call these functions. The stream's
// messages are the connection's (connection.js).
import { batch } from "@preact/signals";
import { api, ApiError } from "./api.js";
import { keptError } from "./problems.js";
import { t } from "./i18n.js";
import { loadPoints, abandonPoints } from "./sample_requests.js";
import { loadFeatureMaps } from "./feature_maps.js";
import * as S from "./state.js";
import { loadViewModules } from "./live_views.js";
import { readTokens, rememberToken, forgetSession, readLast, rememberOpened, loadMySessions } from "./owned_sessions.js";
import { showIfDeleted } from "./deleted_session.js";
import { applyView, defaultProbe, streamOwnsCounters } from "./server_state.js";

// Re-exported: the lessons keep their runs' tokens the same way.
export { readTokens, rememberToken } from "./owned_sessions.js";

// ---------------------------------------------------------------- opening a session
function idFromPath() {
  const match = location.pathname.match(/^\/s\/([^/]+)\/?$/);
  return match ? decodeURIComponent(match[1]) : null;
}

/**
 * Decide which session this page shows (share link, this browser's last one, or a new one), and
 * stream it over `connection` (the page's one, made by main.js).
 * @param {import("./connection.js").Connection} connection
 */
export async function start(connection) {
  S.sessionConnection.value = connection;
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
  const connection = S.sessionConnection.peek();
  const ticket = connection.nextOpening();
  const view = await api.getSession(id);
  if (!connection.isCurrent(ticket)) return;
  const token = readTokens()[id] || null;
  connection.close();
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
  loadFeatureMaps();
  connection.open(id, token);
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

/** Make sample `index` of `split` ("train" | "validation") the probe the views show. */
export function setProbe(split, index) {
  const state = S.session.peek();
  const total = state ? (split === "validation" ? state.validation_size : state.train_size) : 0;
  if (!total) return;
  const at = Math.max(0, Math.min(total - 1, Math.round(index)));
  const current = S.probe.peek();
  if (current.split !== split || current.index !== at) S.probe.value = { split, index: at };
}

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
  S.lastError.value = keptError(err, where);
}

export function dismissError() {
  S.lastError.value = null;
}

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
  return S.changeQueue.run(run);
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
/**
 * Upload a data file into the session. Returns null, or a function that says what went wrong in
 * the language chosen when it is called (a dialog left open follows a language switch).
 * @returns {Promise<null | (() => string)>}
 */
export async function uploadFile(format, file, options) {
  const id = S.sessionId.peek();
  const token = S.ownerToken.peek();
  if (!token) return () => t("viewOnly.title");
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
    // a proxy's 413 carries no limit of ours: say the server's
    const proxy413 = err instanceof ApiError && err.status === 413 && !(err.problem.params || {}).limit;
    return () => (proxy413 ? `${err.message} (5 MB)` : err.message);
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
    dropStream: (ms = 0) => S.sessionConnection.peek().drop(ms),
    /** The steps of the chart's points, in order. */
    chartSteps: () => S.chart.step.slice(),
    stats: S.streamStats,
    /** What the last subscribe asked for: {views, probe}. */
    subscription: () => S.sessionConnection.peek().lastSubscription(),
  };
}
