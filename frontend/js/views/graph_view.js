// The network graph, TensorFlow-Playground style: one column per layer, every neuron a small
// canvas heatmap of its output over the input plane ("neurons" frames), weights as SVG curves
// coloured by sign and as thick as they are large ("weights" frames), biases as a small square on
// each neuron ("biases" frames); the neurons a dropout layer dropped at the last training step are
// greyed out ("dropout_mask" frames, see live/dropout_mask.js). Preact renders only the container; the graph's DOM is built
// imperatively when the network or the size changes, and updated in place once per animation
// frame when new tensors arrived.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../state.js";
import { t, tOr, lang } from "../i18n.js";
import { paintValues, domainOf, colourOf } from "../heatmap.js";
import { featureMapOf } from "../feature_maps.js";
import { useWatchedView } from "../live_views.js";
import { maskOf } from "./live/dropout_mask.js";
import { useGraphMarks } from "../stepping/graph_marks.js";
import { attachParamEditing } from "../editing/graph_edits.js";
import { ValueEditor } from "../editing/value_editor.js";
import { activationLabel } from "../catalog_labels.js";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Wider layers show their first MAX_SHOWN neurons and a "+N more" note. */
const MAX_SHOWN = 16;

/** Columns of the graph: the input, then every layer with a (batch, units) output. */
function columnsOf(state) {
  const features = state.model.input_shape.reduce((a, b) => a * b, 1);
  const cols = [{ kind: "input", units: features, activation: null, layer: null }];
  if (state.model.input_shape.length !== 1) return cols; // images and sequences: no per-neuron maps
  state.model.layers.forEach((spec, i) => {
    const summary = state.layers[i];
    if (!summary || summary.output_shape.length !== 1) return;
    const activation = spec.activation || "linear";
    cols.push({ kind: spec.type, units: summary.output_shape[0], activation, layer: i, bias: spec.use_bias !== false });
  });
  return cols;
}

/** What a column's layer does, under its title: the activation of a layer type that has one in the
 * catalog (dense, activation), else the layer's kind (dropout and batch norm apply none). */
function columnNote(col) {
  const info = S.catalog.peek().layers.find((l) => l.type === col.kind);
  if (!info || info.settings.some((setting) => setting.name === "activation")) return activationLabel(col.activation);
  return tOr(`layer.${col.kind}`, info.label);
}

/** The names of the input features when the inputs are derived from the 2-D plane, else []. */
function inputFeatures(state) {
  const features = state.dataset.features || ["x1", "x2"];
  const n = state.model.input_shape.length === 1 ? state.model.input_shape[0] : -1;
  return features.length === n ? features : [];
}

function layout(cols, width, height) {
  const top = 40;
  const bottom = 14;
  const avail = Math.max(60, height - top - bottom);
  const maxShown = Math.max(...cols.map((c) => Math.min(c.units, MAX_SHOWN)));
  const colGap = cols.length > 1 ? (width - 40) / (cols.length - 1) : 0;
  let node = Math.min(46, Math.max(12, colGap * 0.4));
  let spacing = Math.min(node + 14, avail / maxShown);
  if (spacing < node + 3) node = Math.max(8, spacing - 3);
  spacing = Math.max(spacing, node + 3);
  const xs = cols.map((_, i) => (cols.length > 1 ? 20 + i * ((width - 40 - node) / (cols.length - 1)) : width / 2));
  return cols.map((col, i) => {
    const shown = Math.min(col.units, MAX_SHOWN);
    const y0 = top + (avail - shown * spacing) / 2 + (spacing - node) / 2;
    return { ...col, shown, x: xs[i], ys: Array.from({ length: shown }, (_, k) => y0 + k * spacing), node };
  });
}

function edgePath(x1, y1, x2, y2) {
  const mx = (x1 + x2) / 2;
  return `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
}

/** Build the graph's DOM inside `root`; returns the handles the frame updater needs. */
function build(root, state, width, height) {
  root.textContent = "";
  const g = state.grid.size;
  const featureNames = inputFeatures(state);
  const featureLabels = Object.fromEntries((S.catalog.peek().features || []).map((f) => [f.name, f.formula]));
  const cols = layout(columnsOf(state), width, height);
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "graph-edges");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("aria-hidden", "true");
  root.appendChild(svg);
  const handles = { cols: [], g, featureNames };
  cols.forEach((col, ci) => {
    const label = document.createElement("div");
    label.className = "graph-col-label";
    label.dataset.layer = col.kind === "input" ? "input" : String(col.layer); // stepping/graph_marks.js
    label.style.left = `${col.x + col.node / 2}px`;
    const title =
      col.kind === "input"
        ? t("net.input")
        : col.layer === state.model.layers.length - 1
          ? t("net.output")
          : t("net.hidden", { n: col.layer + 1 });
    label.innerHTML = "";
    const strong = document.createElement("strong");
    strong.textContent = title;
    const sub = document.createElement("span");
    sub.textContent = col.kind === "input" ? `${col.units}` : `${col.units} · ${columnNote(col)}`;
    label.append(strong, sub);
    let dropped = null;
    if (col.kind === "dropout") {
      dropped = document.createElement("span");
      dropped.className = "graph-dropped";
      dropped.dataset.testid = "dropout-count";
      label.append(dropped);
    }
    root.appendChild(label);

    const nodes = [];
    for (let k = 0; k < col.shown; k++) {
      const el = document.createElement("div");
      el.className = `graph-node ${col.kind === "input" ? "graph-input" : ""}`;
      el.style.left = `${col.x}px`;
      el.style.top = `${col.ys[k]}px`;
      el.style.width = el.style.height = `${col.node}px`;
      const feature = col.kind === "input" ? featureNames[k] : null;
      const name =
        col.kind === "input" ? (feature ? featureLabels[feature] || feature : `x${k + 1}`) : `${col.layer + 1}.${k + 1}`;
      el.title = name;
      el.dataset.name = name;
      el.dataset.layer = col.kind === "input" ? "input" : String(col.layer); // stepping/graph_marks.js
      el.dataset.unit = String(k);
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = g;
      el.appendChild(canvas);
      let bias = null;
      if (col.kind === "dense" && col.bias) {
        bias = document.createElement("div");
        bias.className = "graph-bias";
        el.appendChild(bias);
      }
      if (col.kind === "input" && col.node >= 18 && feature) {
        const tag = document.createElement("span");
        tag.className = "graph-input-tag";
        tag.textContent = name;
        el.appendChild(tag);
      }
      el.addEventListener("mouseenter", () => {
        if (col.kind === "input" && !feature) return;
        S.focusNeuron.value = col.kind === "input" ? { feature, name } : { layer: col.layer, unit: k, name };
      });
      el.addEventListener("mouseleave", () => {
        S.focusNeuron.value = null;
      });
      root.appendChild(el);
      const ctx = canvas.getContext("2d");
      nodes.push({ el, canvas, ctx, image: ctx.createImageData(g, g), bias });
    }
    if (col.units > col.shown) {
      const more = document.createElement("div");
      more.className = "graph-more";
      more.style.left = `${col.x + col.node / 2}px`;
      more.style.top = `${col.ys[col.shown - 1] + col.node + 2}px`;
      more.textContent = t("graph.more", { n: col.units - col.shown });
      root.appendChild(more);
    }
    // Edges from the previous column.
    const edges = [];
    if (ci > 0) {
      const prev = cols[ci - 1];
      const oneToOne = col.kind !== "dense";
      for (let b = 0; b < col.shown; b++) {
        for (let a = 0; a < prev.shown; a++) {
          if (oneToOne && a !== b) continue;
          const path = document.createElementNS(SVG_NS, "path");
          path.setAttribute(
            "d",
            edgePath(prev.x + prev.node, prev.ys[a] + prev.node / 2, col.x, col.ys[b] + col.node / 2),
          );
          path.setAttribute("class", oneToOne ? "edge edge-identity" : "edge");
          svg.appendChild(path);
          edges.push({ a, b, path });
        }
      }
    }
    handles.cols.push({ ...col, nodes, edges, dropped, seq: { neurons: -1, weights: -1, biases: -1, mask: -1, features: null } });
  });
  return handles;
}

/** The input nodes: each derived feature's map as the server computed it, once it has been read. */
function paintInputs(col, featureNames, g) {
  const maps = S.featureMaps.peek();
  if (!maps || maps === col.seq.features) return;
  col.seq.features = maps;
  col.nodes.forEach((node, k) => {
    const map = featureNames[k] ? featureMapOf(featureNames[k], g) : null;
    if (!map) return;
    paintValues(node.image, map.values, 0, g, map.low, map.high);
    node.ctx.putImageData(node.image, 0, 0);
  });
}

/** Paint whatever arrived since the last frame; returns true if neuron maps were redrawn. */
function update(handles, generation) {
  if (S.tensors.generation !== generation) return false;
  const { g } = handles;
  const slots = S.tensors.slots;
  let drew = false;
  for (const col of handles.cols) {
    if (col.kind === "input") {
      paintInputs(col, handles.featureNames, g);
      continue;
    }
    const neurons = slots.get(`neurons/${col.layer}`);
    if (neurons && neurons.seq !== col.seq.neurons) {
      col.seq.neurons = neurons.seq;
      const [units, h, w] = neurons.header.shape;
      if (units === col.units && h === g && w === g) {
        const [lo, hi] = domainOf(col.activation);
        col.nodes.forEach((node, k) => {
          paintValues(node.image, neurons.data, k * g * g, g, lo, hi);
          node.ctx.putImageData(node.image, 0, 0);
        });
        drew = true;
      }
    }
    const weights = S.tensorSlot("weights", col.layer, "W");
    if (weights && weights.seq !== col.seq.weights) {
      col.seq.weights = weights.seq;
      const [, out] = weights.header.shape;
      if (weights.header.shape.length === 2 && out === col.units) {
        for (const edge of col.edges) {
          const w = weights.data[edge.a * out + edge.b];
          const finite = Number.isFinite(w);
          // Inline style, not attributes: the stylesheet's default stroke would win over those.
          edge.path.style.stroke = colourOf(finite ? w : NaN);
          edge.path.style.strokeWidth = finite ? Math.min(0.6 + Math.abs(w) * 2.2, 9).toFixed(2) : "1";
        }
      }
    }
    const mask = col.kind === "dropout" ? maskOf(col.layer) : null;
    if (mask && mask.seq !== col.seq.mask && mask.data.length === col.units) {
      col.seq.mask = mask.seq;
      col.nodes.forEach((node, k) => node.el.classList.toggle("is-dropped", mask.data[k] === 0));
      for (const edge of col.edges) edge.path.classList.toggle("is-dropped", mask.data[edge.b] === 0);
      col.dropped.textContent = t("dropout.dropped", { n: mask.dropped, total: col.units });
      drew = true;
    }
    const biases = S.tensorSlot("biases", col.layer, "b");
    if (biases && biases.seq !== col.seq.biases) {
      col.seq.biases = biases.seq;
      if (biases.header.shape[0] === col.units) {
        col.nodes.forEach((node, k) => {
          if (node.bias) node.bias.style.background = colourOf(biases.data[k]);
        });
      }
    }
  }
  return drew;
}

export function GraphView() {
  const rootRef = useRef(null);
  const framesRef = useRef(0);
  const state = S.session.value;
  useWatchedView("neurons");
  useWatchedView("weights");
  useWatchedView("dropout_mask");
  useGraphMarks(rootRef);
  const language = lang.value;
  // What the graph's structure depends on; the weights and maps update without a rebuild.
  const key = state
    ? JSON.stringify([state.generation, state.model, state.layers.map((l) => l.output_shape), state.grid, language])
    : "";

  useEffect(() => {
    const root = rootRef.current;
    if (!root || !state) return undefined;
    let handles = null;
    let detachEditing = () => {};
    let size = [0, 0];
    const rebuild = () => {
      const width = Math.floor(root.clientWidth);
      const height = Math.floor(root.clientHeight);
      if (width < 40 || height < 40 || (width === size[0] && height === size[1] && handles)) return;
      size = [width, height];
      detachEditing();
      handles = build(root, S.session.peek(), width, height);
      detachEditing = attachParamEditing(root, handles);
    };
    rebuild();
    const observer = new ResizeObserver(() => rebuild());
    observer.observe(root);
    const stop = S.frames.onFrame(() => {
      if (handles && update(handles, S.session.peek().generation)) {
        framesRef.current += 1;
        root.dataset.frames = String(framesRef.current);
      }
    });
    return () => {
      observer.disconnect();
      stop();
      detachEditing();
    };
  }, [key]);

  return html`<div class="panel-body graph-panel">
    <div class="section-head">
      <h2 class="section-title">${t("graph.title")}</h2>
    </div>
    <div class="graph" ref=${rootRef} data-testid="network-graph" data-frames="0"></div>
    <${ValueEditor} />
    <p class="hint graph-hint">${t("graph.hint")}</p>
  </div>`;
}
