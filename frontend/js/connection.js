// The page's connection to the session it shows: the websocket (stream.js), the subscription it
// last sent, and the counters the stream moved since the last animation frame. The app makes one
// (main.js) and state.js holds it (`sessionConnection`); a test could make a second.
import { batch, effect } from "@preact/signals";
import { openStream } from "./stream.js";
import { localized } from "./problems.js";
import { checkDeleted } from "./deleted_session.js";
import { wantedViews, probeWanted, accumulateRecord } from "./live_views.js";
import { applyState } from "./server_state.js";
import * as S from "./state.js";

/**
 * What the subscribe should say: the views some component shows on screen that apply to this
 * session (none for a hidden tab), and the probe when one of them shows it.
 */
function subscription() {
  const views = document.visibilityState === "hidden" ? [] : wantedViews();
  const probe = probeWanted(views) ? { ...S.probe.value } : null;
  return { views, probe, key: JSON.stringify([views, probe]) };
}

export class Connection {
  /** @param {import("./frame.js").FrameScheduler} frames the loop the counters go to signals in */
  constructor(frames) {
    /** @type {ReturnType<typeof openStream> | null} the websocket of the session shown */
    this.stream = null;
    /** Bumps with every opening of a session, so a slow earlier one cannot win. */
    this.opening = 0;
    /** The JSON of the last subscription sent ([views, probe]). */
    this.subscribed = "";
    /** The newest counters (a metrics or ack message) not yet in the signals, or null. */
    this.pendingCounters = null;
    /** Metric points arrived since the numbers were last shown. */
    this.pendingChart = false;
    this.frames = frames;
    document.addEventListener("visibilitychange", () => this.resubscribe());
    // Views mounting or leaving the screen, and a new probe, change the subscription at once.
    effect(() => {
      S.viewWatchers.value;
      S.probe.value;
      this.resubscribe();
    });
    // Counters and metric numbers go to signals at most once per animation frame.
    frames.onFrame(() => this.showCounters());
  }

  /** A ticket for opening a session; `isCurrent(ticket)` is false once a later one was taken. */
  nextOpening() {
    this.opening += 1;
    return this.opening;
  }

  /** @param {number} ticket */
  isCurrent(ticket) {
    return ticket === this.opening;
  }

  /** Stream session `id` (closing the stream of the one shown before). */
  open(id, token) {
    this.close();
    const { views, probe, key } = subscription();
    this.subscribed = key;
    this.stream = openStream(id, {
      token,
      views,
      probe,
      onStatus: (value) => {
        if (S.sessionId.peek() === id) S.connection.value = value;
        if (value === "gone") checkDeleted(id); // deleted (4410): the page says when and why
      },
      onMessage: (msg) => this.handleMessage(msg),
      onTensor: (header, data) => this.handleTensor(header, data),
      // Reconnecting (or connecting after the REST read): ask only for the points after our last one.
      resume: () => {
        const n = S.chart.step.length;
        return n && S.chart.generation >= 0
          ? { since_step: S.chart.step[n - 1], generation: S.chart.generation }
          : null;
      },
    });
  }

  close() {
    if (this.stream) this.stream.close();
    this.stream = null;
  }

  /** Send a subscribe if what the page shows now asks for other views or another probe. */
  resubscribe() {
    const { views, probe, key } = subscription();
    if (this.stream && key !== this.subscribed) this.stream.subscribe(views, probe);
    this.subscribed = key;
  }

  /** What the last subscribe asked for: {views, probe}. */
  lastSubscription() {
    const [views, probe] = this.subscribed ? JSON.parse(this.subscribed) : [[], null];
    return { views, probe };
  }

  /** Drop the websocket as a network failure would; it reconnects after `ms` (and resumes). */
  drop(ms = 0) {
    if (this.stream) this.stream.drop(ms);
  }

  handleMessage(msg) {
    S.streamStats.texts += 1;
    switch (msg.type) {
      case "state":
        applyState(msg.state, true);
        break;
      case "history":
        S.streamStats.histories += 1;
        S.replaceChart(msg.generation, msg.points);
        this.pendingChart = true;
        this.frames.requestFrame();
        break;
      case "metrics": {
        if (msg.generation !== S.chart.generation) return; // a history message for it is on its way
        if (msg.points.length) {
          S.appendChart(msg.points);
          this.pendingChart = true;
        }
        if (msg.batch_losses && msg.batch_losses.length) S.appendBatchLosses(msg.batch_losses);
        this.pendingCounters = msg;
        this.frames.requestFrame();
        break;
      }
      case "ack":
        this.pendingCounters = { ...msg };
        this.frames.requestFrame();
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

  handleTensor(header, data) {
    S.streamStats.tensors += 1;
    if (header.generation !== S.tensors.generation) {
      const current = S.session.peek();
      if (!current || header.generation !== current.generation) return; // from a network that is gone
      S.clearTensors(header.generation);
    }
    S.storeTensor(header, data);
    accumulateRecord(header, data);
    this.frames.requestFrame();
  }

  /** The counters and metric numbers that arrived since the last frame, into their signals. */
  showCounters() {
    if (!this.pendingCounters && !this.pendingChart) return;
    batch(() => {
      if (this.pendingCounters) {
        const c = this.pendingCounters;
        this.pendingCounters = null;
        if (c.status) S.status.value = c.status;
        S.step.value = c.step;
        S.epoch.value = c.epoch;
      }
      if (this.pendingChart) {
        this.pendingChart = false;
        S.latestMetrics.value = S.lastChartPoint();
      }
    });
  }
}
