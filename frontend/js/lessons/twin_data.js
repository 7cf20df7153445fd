// One twin run's live data, fed by its own websocket stream (stream.js's openStream): status and
// counters, its metric points, and the latest records of its key view (boundary, gradient norms,
// probe, or the recurrent layer's gradient per time step). Plain objects, not signals: the twin
// view reads them at most a few times a second.
import { api } from "../api.js";
import { openStream } from "../stream.js";

/** Points kept per run: past this the older half is thinned to every second point. */
const MAX_POINTS = 4000;

/**
 * @typedef {object} TwinRun
 * @property {string} id
 * @property {string} run
 * @property {{en: string, zh: string}} label
 * @property {string} colour
 * @property {string} status
 * @property {number} step
 * @property {number} generation
 * @property {any[]} points  metric points in step order
 * @property {any} state     the SessionState (grid, task, total_params, dataset), once read
 * @property {{header: any, data: Float32Array} | null} boundary
 * @property {number} frames boundary frames received
 * @property {Record<string, number>} grads  parameter layer -> its latest gradient norm (key view grad_norms)
 * @property {number} gradFrames gradient-norm records received
 * @property {Record<string, {header: any, data: Float32Array}>} probe  key view probe: the latest
 *   "probe_target" and "activation:<layer>" records of the probe sample
 * @property {number} probeFrames probe records received
 * @property {Float32Array | null} timeGrads  key view rnn_states: ‖dL/dh_t‖ per time step of the first recurrent layer
 * @property {number} timeFrames hidden_grad_norms records received
 * @property {number} [timeLayer] the recurrent layer timeGrads is of
 * @property {Error | null} error  its message is read when shown (in the language chosen then)
 */

/** @returns {TwinRun} */
export function makeRun(ref, colour) {
  return { ...ref, colour, status: "idle", step: 0, generation: -1, points: [], state: null, boundary: null, frames: 0,
    grads: {}, gradFrames: 0, probe: {}, probeFrames: 0, timeGrads: null, timeFrames: 0, error: null };
}

function append(run, points) {
  let last = run.points.length ? run.points[run.points.length - 1].step : -Infinity;
  for (const p of points) {
    if (p.step <= last) continue;
    run.points.push(p);
    last = p.step;
  }
  if (run.points.length > MAX_POINTS) {
    const half = run.points.length >> 1;
    run.points = run.points.slice(0, half).filter((_, i) => i % 2 === 0).concat(run.points.slice(half));
  }
}

function onMessage(run, msg) {
  switch (msg.type) {
    case "state":
      run.state = msg.state;
      run.status = msg.state.status;
      run.step = msg.state.step;
      if (msg.state.generation !== run.generation) {
        run.boundary = null;
        run.grads = {};
        run.probe = {};
        run.timeGrads = null;
      }
      break;
    case "history":
      run.generation = msg.generation;
      run.points = [];
      append(run, msg.points);
      break;
    case "metrics":
      if (msg.generation === run.generation) append(run, msg.points);
      run.status = msg.status;
      run.step = msg.step;
      break;
    case "ack":
      run.status = msg.status;
      run.step = msg.step;
      break;
    default:
      return false;
  }
  return true;
}

/**
 * Read the run's state, then stream it with its key view (`keyViewOf(dataset)`: "boundary",
 * "grad_norms", "probe", "rnn_states" or null; the probe views show the first validation sample, the
 * same in every run of a comparison). `changed()` is called after every update. Returns the function that
 * closes the stream.
 * @param {TwinRun} run
 * @param {string | null} token
 * @param {(dataset: any) => string | null} keyViewOf
 * @param {() => void} changed
 */
export function watchRun(run, token, keyViewOf, changed) {
  let stream = null;
  let closed = false;
  api.getSession(run.id).then(
    (view) => {
      if (closed) return;
      const { history, ...state } = view;
      run.state = state;
      run.status = state.status;
      run.step = state.step;
      run.generation = state.generation;
      append(run, history);
      changed();
      const keyView = keyViewOf(state.dataset);
      stream = openStream(run.id, {
        token,
        views: keyView ? [keyView] : [],
        onMessage: (msg) => onMessage(run, msg) && changed(),
        onTensor: (header, data) => {
          if (header.name === "grad_norm" && data.length) {
            // the series since the last frame: its last value is the newest step's norm
            run.grads = { ...run.grads, [header.layer]: data[data.length - 1] };
            run.gradFrames += 1;
            changed();
            return;
          }
          if (header.name === "activation" || header.name === "probe_target") {
            run.probe = { ...run.probe, [header.name === "activation" ? `activation:${header.layer}` : header.name]: { header, data } };
            run.probeFrames += 1;
            changed();
            return;
          }
          if (header.name === "hidden_grad_norms") {
            // the first recurrent layer's (the lessons have one)
            if (run.timeLayer === undefined || header.layer <= run.timeLayer) {
              run.timeLayer = header.layer;
              run.timeGrads = data;
              run.timeFrames += 1;
              changed();
            }
            return;
          }
          if (header.name !== "boundary") return;
          run.boundary = { header, data };
          run.frames += 1;
          changed();
        },
        onStatus: () => {},
        resume: () => {
          const n = run.points.length;
          return n && run.generation >= 0 ? { since_step: run.points[n - 1].step, generation: run.generation } : null;
        },
      });
    },
    (err) => {
      run.error = err;
      changed();
    },
  );
  return () => {
    closed = true;
    if (stream) stream.close();
  };
}
