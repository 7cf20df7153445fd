// The one place the app's state lives. Views read it; only actions.js (and the boot code) write it.
//
// Three kinds of state:
//  * signals (@preact/signals) for everything the UI shows as markup: components that read a
//    signal re-render when it changes, and nothing else does;
//  * plain "latest-value slots" for the high-rate streams (tensor frames, chart points): the
//    websocket handler overwrites them and bumps a sequence number, and the canvas/SVG views draw
//    them at most once per animation frame (see frame.js). They never go through Preact;
//  * the page's machinery, one object per job (the frame loop, the change queue, the requests in
//    flight, the session's connection): its class in a module of its own, this page's instance
//    here, so no module keeps state of its own (and a test could make a second one).
import { signal, computed } from "@preact/signals";
import { FrameScheduler } from "./frame.js";
import { RequestQueue } from "./request_queue.js";
import { LatestRequest } from "./latest_request.js";

/** GET /api/catalog, once at start. */
export const catalog = signal(null);

/** Which session this page shows, and the owner token if this browser holds it (else view only). */
export const sessionId = signal(null);
export const ownerToken = signal(null);
export const shareUrl = signal(null);
export const readOnly = computed(() => !ownerToken.value);

/** SessionState as the server last described it (without history). */
export const session = signal(null);

/** Fast-changing counters, kept apart so only the widgets that show them re-render. */
export const status = signal("idle"); // idle | running | paused | diverged
export const step = signal(0);
export const epoch = signal(0);

/** The latest metric point shown as numbers ({loss, val_loss, accuracy, val_accuracy} or null). */
export const latestMetrics = signal(null);

/** Websocket state: "connecting" | "open" | "closed" (retrying) | "gone" (the session no longer exists). */
export const connection = signal("connecting");

/** Boot progress: "loading" | "ready" | "failed" | "gone" (the linked session was deleted); bootError holds the reason. */
export const boot = signal("loading");
export const bootError = signal(null);
/** The linked session was deleted: {id, deletedAt, reason, message} (deleted_session.js), else null. */
export const deletedSession = signal(null);

/** The latest failed change: {message, layer, scope} where scope is "network" | "data" | "run". */
export const lastError = signal(null);

/** Something worth telling the user once ({text}); shown in the header and then cleared. */
export const notice = signal(null);

/** Layers the user asked for while a PATCH is in flight (shown until the server answers), or null. */
export const draftLayers = signal(null);
/** Number of change requests in flight. */
export const pending = signal(0);

/**
 * The samples of the current dataset (GET /data): {key, dataset, kind, sample_shape, target_shape,
 * train: {x, y, total}, validation: {x, y, total}}; `key` is the JSON of the dataset spec they
 * belong to. 2-D sets: every point; other kinds: the first few samples.
 */
export const points = signal(null);

/**
 * The derived inputs of 2-D data as the server computes them (GET .../features; feature_maps.js):
 * {key, grid, byName: Map name → {values: Float32Array (row 0 the top), low, high}}, where `key` is
 * the JSON of the grid they cover; null until a session with 2-D data has been shown.
 */
export const featureMaps = signal(null);

/** Point-drawing mode on the decision boundary: {on, label} (label: the class, or a regression value). */
export const drawMode = signal({ on: false, label: 1 });

/** Augmentation preview of one training image: {index, shape, label, original, samples, active} or
 * {index, error}; `loading` while a request is in flight. */
export const augmentPreview = signal(null);
export const augmentLoading = signal(false);

/** Which dialog is open: null | "sessions" | "upload". */
export const dialog = signal(null);

/** The sessions this browser owns (the "My sessions" list): {loading, items: [{id, ...summary}]}. */
export const mySessions = signal({ loading: false, items: [] });

/** A fork request is in flight. */
export const forking = signal(false);

/** View preferences. */
export const showValidation = signal(false);
/** A neuron hovered in the network graph ({layer, unit} or {input: 0|1}), shown big in the boundary view. */
export const focusNeuron = signal(null);
/**
 * The view modules (frontend/js/views/live/<name>.js) of the views the catalog lists, by name, once
 * loaded: a Map name → {entry (the catalog's), module}. Empty until then, and for a catalog without
 * views.
 */
export const viewModules = signal(new Map());
/**
 * How many mounted components show each view now ({name: count}). A view is subscribed while its
 * count is above zero (and it applies to this session); see live_views.js.
 */
export const viewWatchers = signal({});
/** The probe: the one sample views of a single sample show ({split: "train"|"validation", index}). */
export const probe = signal({ split: "train", index: 0 });
/** Which tab of the "inside the network" column is open ("network" or a view name). */
export const insideTab = signal("network");

/**
 * What views that keep a history (grad_norms, histograms, ...) have gathered from their records, by
 * view name; each view module's `accumulate(store, header, data)` fills its own entry. Cleared with
 * the tensors on a new generation.
 */
export const viewStores = { generation: -1, seq: 0, stores: new Map() };

/** The store of view `name` (made by `create()` on first use, and again after a new generation). */
export function viewStore(name, create) {
  let store = viewStores.stores.get(name);
  if (!store) {
    store = create();
    viewStores.stores.set(name, store);
  }
  return store;
}

/**
 * Editing parameters by hand (frontend/js/editing/): the value editor open on the network graph
 * ({layer, param, index, label, left, top, returnFocus} or null), the latest refused edit
 * ({message} or null), how many edits the server has taken (views that depend on the weights,
 * like the landscape, follow it), and the edit queue: one PATCH in flight, and those waiting behind
 * it, at most one per entry (a drag sends only its latest value).
 */
export const valueEditor = signal(null);
export const editError = signal(null);
export const editCount = signal(0);
export const paramEdits = { busy: false, waiting: [] };

/**
 * The loss landscape view (views/landscape/): the last GET .../landscape answer with the query it
 * answered, the step and edit count it was asked at and how long it took ({query, answer, at,
 * tookMs}, or {query, at, error}: an Error whose message is read when shown, in the language of
 * then); `loading` while one is in flight; the
 * optimizer's path drawn over it ({key, seq, points: [[x, y, step]], lastStep}; `since`, the step
 * it starts at (the server's trail of earlier weights) or null when it starts with the tab; `thinned`,
 * whether the server left points of that trail out; and `ticket`, which grows with every request so
 * that only the newest answer is shown).
 */
export const landscape = signal(null);
export const landscapeLoading = signal(false);
export const landscapePath = { key: "", seq: 0, points: [], lastStep: -1, ticket: 0, since: /** @type {number | null} */ (null), thinned: false };

/** The animation-frame loop every canvas and SVG view draws in (frame.js). */
export const frames = new FrameScheduler();

/** PATCHes of the session, sent one after another (actions.js `patch`). */
export const changeQueue = new RequestQueue();

/** The samples' and the feature maps' reads (sample_requests.js, feature_maps.js), one of each kind in flight. */
export const sampleRequests = { points: new LatestRequest(), preview: new LatestRequest(), features: new LatestRequest() };

/**
 * The page's connection to the session it shows (connection.js: the websocket, the subscription
 * sent, the counters waiting for the next frame), made once by start(); null before.
 * @type {import("@preact/signals").Signal<import("./connection.js").Connection | null>}
 */
export const sessionConnection = signal(null);

/** Counts of every incoming frame, for diagnostics and tests. */
export const streamStats = { texts: 0, tensors: 0, histories: 0 };

/**
 * Latest tensors per key (tensorKey: "boundary", "neurons/1", "weights/0/W", "weights/2/gamma",
 * "activation/3"), latest wins.
 * Each entry: {header, data: Float32Array, seq}. `seq` grows by one on every store so a view can
 * tell whether it has drawn the newest one.
 */
export const tensors = {
  generation: 0,
  seq: 0,
  slots: new Map(),
};

/** The slot key of a record: its name, then its layer and its parameter when it has them. */
export function tensorKey(name, layer = null, param = null) {
  let key = name;
  if (layer !== null && layer !== undefined) key += `/${layer}`;
  if (param) key += `/${param}`;
  return key;
}

/**
 * The latest record `name` of `layer` (and parameter `param`), or undefined. A weights or biases
 * record without a parameter name is the layer's W or b.
 */
export function tensorSlot(name, layer = null, param = null) {
  return tensors.slots.get(tensorKey(name, layer, param)) || (param ? tensors.slots.get(tensorKey(name, layer)) : undefined);
}

export function storeTensor(header, data) {
  tensors.seq += 1;
  tensors.slots.set(tensorKey(header.name, header.layer, header.param), {
    header,
    data,
    seq: tensors.seq,
  });
}

export function clearTensors(generation) {
  tensors.generation = generation;
  tensors.slots.clear();
  tensors.seq += 1;
  viewStores.generation = generation;
  viewStores.stores.clear();
  viewStores.seq += 1;
}

/**
 * The loss-chart series, bounded: when it grows past MAX_CHART_POINTS the older half is thinned to
 * every second point (the newest half stays whole), as the server thins its own history.
 */
export const MAX_CHART_POINTS = 10000;
export const chart = {
  generation: -1,
  seq: 0,
  step: [],
  epoch: [],
  loss: [],
  valLoss: [],
  accuracy: [],
  valAccuracy: [],
  trainSamples: [], // how many samples each point's numbers are over (null: the whole split)
  valSamples: [],
  // The training loss of single batches ([step, loss] of metrics' batch_losses), live only: a
  // history does not carry them, so they start when this page started watching.
  batchStep: [],
  batchLoss: [],
};

const SERIES = ["step", "epoch", "loss", "valLoss", "accuracy", "valAccuracy", "trainSamples", "valSamples"];

export function replaceChart(generation, metricPoints) {
  chart.generation = generation;
  for (const key of SERIES) chart[key] = [];
  chart.batchStep = [];
  chart.batchLoss = [];
  appendChart(metricPoints);
}

/** Batch losses of one metrics message ([step, loss] pairs in step order), bounded like the curve. */
export function appendBatchLosses(pairs) {
  let last = chart.batchStep.length ? chart.batchStep[chart.batchStep.length - 1] : -Infinity;
  for (const [step, loss] of pairs) {
    if (step <= last) continue;
    last = step;
    chart.batchStep.push(step);
    chart.batchLoss.push(loss);
  }
  if (chart.batchStep.length > MAX_CHART_POINTS * 2) {
    const half = chart.batchStep.length >> 1;
    const keep = (arr) => arr.filter((_, i) => i >= half || i % 2 === 0);
    chart.batchStep = keep(chart.batchStep);
    chart.batchLoss = keep(chart.batchLoss);
  }
  chart.seq += 1;
}

export function appendChart(metricPoints) {
  let last = chart.step.length ? chart.step[chart.step.length - 1] : -Infinity;
  let added = 0;
  for (const p of metricPoints) {
    if (p.step <= last) continue; // already have it (the stream may repeat the newest point)
    last = p.step;
    chart.step.push(p.step);
    chart.epoch.push(p.epoch);
    chart.loss.push(p.loss);
    chart.valLoss.push(p.val_loss);
    chart.accuracy.push(p.accuracy);
    chart.valAccuracy.push(p.val_accuracy);
    chart.trainSamples.push(p.train_samples ?? null);
    chart.valSamples.push(p.val_samples ?? null);
    added += 1;
  }
  while (chart.step.length > MAX_CHART_POINTS) {
    const half = chart.step.length >> 1;
    for (const key of SERIES) {
      const arr = chart[key];
      const thinned = [];
      for (let i = 0; i < half; i += 2) thinned.push(arr[i]);
      chart[key] = thinned.concat(arr.slice(half));
    }
  }
  chart.seq += 1;
  return added;
}

/** Forget everything of the session shown so far (before another one opens in this page). */
export function resetChart() {
  replaceChart(-1, []);
}

export function lastChartPoint() {
  return chartPoint(chart.step.length - 1);
}

/** Point i of the chart as the server sent it (null when there is none). */
export function chartPoint(i) {
  if (i === null || i === undefined || i < 0 || i >= chart.step.length) return null;
  return {
    step: chart.step[i],
    loss: chart.loss[i],
    val_loss: chart.valLoss[i],
    accuracy: chart.accuracy[i],
    val_accuracy: chart.valAccuracy[i],
    train_samples: chart.trainSamples[i],
    val_samples: chart.valSamples[i],
  };
}
