// Applying what the server says the session is (a SessionState from the stream, a SessionView from
// a REST answer) to the page's state.
import { batch } from "@preact/signals";
import { loadPoints } from "./sample_requests.js";
import { loadFeatureMaps } from "./feature_maps.js";
import * as S from "./state.js";

/**
 * While the stream is open it alone moves the counters and the status: a REST answer may have been
 * read just before a change the stream already reported (say, a divergence right after "play"), and
 * applying it late would show a status the server has left, with no later message to correct it.
 */
export function streamOwnsCounters() {
  return S.connection.peek() === "open";
}

/** The probe a session starts with: the first validation sample (one not trained on), else the first training one. */
export function defaultProbe(state) {
  return state.validation_size ? { split: "validation", index: 0 } : { split: "train", index: 0 };
}

export function applyState(state, fromStream = false) {
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
  if (previous && JSON.stringify(previous.dataset) !== JSON.stringify(state.dataset)) {
    loadPoints();
    loadFeatureMaps(); // a switch to 2-D data needs them
  }
  const probe = S.probe.peek();
  const size = probe.split === "validation" ? state.validation_size : state.train_size;
  if (probe.index >= size) S.probe.value = defaultProbe(state); // the data changed under it
  const connection = S.sessionConnection.peek();
  if (connection) connection.resubscribe(); // the network or the data may have changed which views apply

  S.frames.requestFrame();
}

/** A SessionView (GET or PATCH answer): the state plus the whole history. */
export function applyView(view) {
  const { history: points, ...state } = view;
  applyState(state);
  if (state.generation !== S.chart.generation) S.replaceChart(state.generation, points);
  else S.appendChart(points);
  S.latestMetrics.value = S.lastChartPoint();
  S.frames.requestFrame();
}
