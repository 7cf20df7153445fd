// Everything that changes state: opening a session, applying stream messages, and the user's
// changes (sent to the server, whose answer becomes the new state). Views call these functions.
import { batch } from "@preact/signals";
import { api, ApiError } from "./api.js";
import { openStream } from "./stream.js";
import { onFrame, requestFrame } from "./frame.js";
import * as S from "./state.js";

const TOKENS_KEY = "neuroplay.tokens";
const LAST_KEY = "neuroplay.last";

// ---------------------------------------------------------------- owner tokens in localStorage
function readTokens() {
  try {
    const value = JSON.parse(localStorage.getItem(TOKENS_KEY) || "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

function rememberToken(id, token) {
  const tokens = readTokens();
  tokens[id] = token;
  try {
    localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    localStorage.setItem(LAST_KEY, id);
  } catch {
    /* storage full or disabled: the session still works until the page closes */
  }
}

function readLast() {
  try {
    return localStorage.getItem(LAST_KEY);
  } catch {
    return null;
  }
}

function rememberLast(id) {
  try {
    localStorage.setItem(LAST_KEY, id);
  } catch {
    /* ignore */
  }
}

// ---------------------------------------------------------------- opening a session
let stream = null;

/** Decide which session this page shows (share link, this browser's last one, or a new one). */
export async function start() {
  try {
    S.catalog.value = await api.catalog();
    const match = location.pathname.match(/^\/s\/([^/]+)\/?$/);
    const tokens = readTokens();
    let view = null;
    let id = null;
    if (match) {
      id = decodeURIComponent(match[1]);
      try {
        view = await api.getSession(id);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
        S.notice.value = { key: "notice.missing" };
      }
    } else {
      const last = readLast();
      if (last && tokens[last]) {
        try {
          view = await api.getSession(last);
          id = last;
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) throw err;
        }
      }
    }
    if (!view) {
      const created = await api.createSession({});
      rememberToken(created.id, created.owner_token);
      tokens[created.id] = created.owner_token;
      id = created.id;
      view = await api.getSession(id);
    } else if (tokens[id]) {
      rememberLast(id);
    }
    const token = tokens[id] || null;
    batch(() => {
      S.sessionId.value = id;
      S.ownerToken.value = token;
      S.shareUrl.value = `${location.origin}/s/${id}`;
      applyView(view);
      S.boot.value = "ready";
    });
    if (location.pathname !== `/s/${id}`) history.replaceState(null, "", `/s/${encodeURIComponent(id)}`);
    loadPoints();
    connect(id, token);
  } catch (err) {
    S.bootError.value = err.message || String(err);
    S.boot.value = "failed";
  }
}

/** Leave this session and start a fresh default one of our own. */
export async function newSession() {
  try {
    const created = await api.createSession({});
    rememberToken(created.id, created.owner_token);
    location.assign(`/s/${encodeURIComponent(created.id)}`);
  } catch (err) {
    showError(err, "run");
  }
}

function connect(id, token) {
  if (stream) stream.close();
  stream = openStream(id, {
    token,
    views: visibleViews(),
    onStatus: (value) => {
      S.connection.value = value;
    },
    onMessage: handleMessage,
    onTensor: handleTensor,
  });
}

function visibleViews() {
  return document.visibilityState === "hidden" ? [] : S.openViews.value;
}

/** The server computes only the views we look at; a hidden tab looks at none. */
export function setOpenViews(views) {
  S.openViews.value = views;
  if (stream) stream.subscribe(visibleViews());
}

document.addEventListener("visibilitychange", () => {
  if (stream) stream.subscribe(visibleViews());
});

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
      pendingCounters = msg;
      requestFrame();
      break;
    }
    case "ack":
      pendingCounters = { ...msg };
      requestFrame();
      break;
    case "error":
      if (msg.code === "not_found") break; // the socket closes with 4404 and the banner says so
      if (msg.code !== "forbidden" || S.ownerToken.peek()) {
        S.lastError.value = { message: msg.message, layer: null, scope: "run" };
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

// ---------------------------------------------------------------- loading the data points
let pointsRequest = null;

export async function loadPoints() {
  const id = S.sessionId.peek();
  const state = S.session.peek();
  if (!id || !state) return;
  const key = JSON.stringify(state.dataset);
  if (pointsRequest) pointsRequest.abort();
  const controller = new AbortController();
  pointsRequest = controller;
  try {
    const data = await api.getData(id, { signal: controller.signal });
    if (controller.signal.aborted) return;
    S.points.value = { key, ...data };
    requestFrame();
  } catch (err) {
    if (err && err.name === "AbortError") return;
    console.warn("NeuroPlay: could not load the data points", err);
  } finally {
    if (pointsRequest === controller) pointsRequest = null;
  }
}

// ---------------------------------------------------------------- changes (owner only)
function showError(err, scope) {
  S.lastError.value = {
    message: err instanceof Error ? err.message : String(err),
    layer: err instanceof ApiError ? err.layer : null,
    scope,
  };
}

export function dismissError() {
  S.lastError.value = null;
}

let queue = Promise.resolve();

/** Send PATCHes one after another (so quick clicks arrive in order) and apply each answer. */
function patch(body, scope) {
  const id = S.sessionId.peek();
  const token = S.ownerToken.peek();
  if (!token) return Promise.resolve(null);
  S.pending.value += 1;
  const run = async () => {
    try {
      const view = await api.patchSession(id, token, body);
      if (S.lastError.peek() && S.lastError.peek().scope === scope) S.lastError.value = null;
      applyView(view);
      return view;
    } catch (err) {
      showError(err, scope);
      S.draftLayers.value = null; // show what the server really has
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

/** The layer list as the user currently sees it (pending edits included). */
export function currentLayers() {
  const draft = S.draftLayers.peek();
  if (draft) return draft;
  const state = S.session.peek();
  return state ? state.model.layers : [];
}

/** Change the layer list: `edit(copy)` gets a copy of the current list and returns the new one (or null: no change). */
export function editLayers(edit) {
  const layers = edit(currentLayers().map((layer) => ({ ...layer })));
  if (!layers) return Promise.resolve(null);
  S.draftLayers.value = layers;
  return patch({ model: { layers } }, "network");
}

function outputIndex(layers) {
  return layers.length - 1;
}

/** A new hidden layer of `type` with the catalog's defaults, inserted at `index` (before the output). */
export function addLayer(type, index = null) {
  const info = S.catalog.peek().layers.find((l) => l.type === type);
  const layer = { type };
  for (const setting of info.settings) if (setting.default !== null) layer[setting.name] = setting.default;
  return editLayers((layers) => {
    const at = index === null ? outputIndex(layers) : Math.max(0, Math.min(index, outputIndex(layers)));
    layers.splice(at, 0, layer);
    return layers;
  });
}

export function removeLayer(index) {
  return editLayers((layers) => {
    if (index < 0 || index >= outputIndex(layers)) return null; // the output layer stays
    layers.splice(index, 1);
    return layers;
  });
}

/** Move hidden layer `from` so it lands at position `to` (counted in the list without it). */
export function moveLayer(from, to) {
  return editLayers((layers) => {
    const last = outputIndex(layers);
    if (from < 0 || from >= last) return null;
    const [layer] = layers.splice(from, 1);
    const at = Math.max(0, Math.min(to, layers.length - 1));
    if (at === from) return null;
    layers.splice(at, 0, layer);
    return layers;
  });
}

export function updateLayer(index, changes) {
  return editLayers((layers) => {
    if (!layers[index]) return null;
    layers[index] = { ...layers[index], ...changes };
    return layers;
  });
}

/** Dataset changes; the output layer and the input size follow the dataset (and its features). */
export function changeDataset(changes) {
  const state = S.session.peek();
  const body = { dataset: changes };
  const entry = S.catalog.peek().datasets.find((d) => d.name === (changes.name || state.dataset.name));
  const model = {};
  if (changes.name && changes.name !== state.dataset.name && entry) {
    const layers = state.model.layers.map((l) => ({ ...l }));
    const out = layers[layers.length - 1];
    if (out.type === "dense" && (out.units !== entry.output_units || out.activation !== entry.output_activation)) {
      layers[layers.length - 1] = { ...out, units: entry.output_units, activation: entry.output_activation };
      model.layers = layers;
    }
    const previous = S.catalog.peek().datasets.find((d) => d.name === state.dataset.name);
    if (state.training.loss && previous && previous.task !== entry.task) body.clear = ["loss"]; // back to the natural loss
  }
  if (entry) {
    // 2-D sets feed the chosen features; other kinds have a fixed sample shape.
    const features = changes.features || state.dataset.features;
    const inputShape = entry.kind === "points" && features ? [features.length] : entry.input_shape;
    if (JSON.stringify(state.model.input_shape) !== JSON.stringify(inputShape)) model.input_shape = inputShape;
  }
  if (Object.keys(model).length) body.model = model;
  return patch(body, "data");
}

/** Training changes apply live while running. `clear` lists nullable fields to reset. */
export function changeTraining(changes, clear = []) {
  const body = {};
  if (Object.keys(changes).length) body.training = changes;
  if (clear.length) body.clear = clear;
  return patch(body, "training");
}

export async function command(action, unit = "batch") {
  const id = S.sessionId.peek();
  const token = S.ownerToken.peek();
  if (!token) return;
  try {
    const answer = await api.command(id, token, action, unit);
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
