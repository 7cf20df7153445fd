// The layer builder: a palette built from the catalog, and the layer stack (input, hidden layers,
// output). Layers are added by dragging from the palette (native HTML5 drag and drop) or with the
// + buttons, reordered by dragging or with the arrow buttons, removed by dragging them out of the
// stack or with the × button. Every change is a PATCH; the server's answer gives shapes and counts.
import { html } from "htm/preact";
import { useState, useRef, useEffect } from "preact/hooks";
import * as S from "../state.js";
import { dismissError } from "../actions.js";
import { addLayer, moveLayer, removeLayer, updateLayer, currentLayers } from "../layer_edits.js";
import { t, tOr, formatInt } from "../i18n.js";
import { activationLabel, choiceLabel, settingTip } from "../catalog_labels.js";
import { kindOf, entryOf } from "../datasets.js";
import { insertionPoint, suitsData } from "../layer_fit.js";
import { ErrorBox } from "./controls.js";
import { ActivationPlot } from "./inspector/activation_plot.js";
import { UpIcon, DownIcon, CloseIcon, PlusIcon, MinusIcon, GripIcon } from "./icons.js";
import { BiasSwitch } from "../editing/layer_switches.js";

const DRAG_TYPE = "application/x-neuroplay-layer";

/** After a keyboard action re-rendered the stack, put focus back where the user expects it. */
function refocus(from, index, testid) {
  requestAnimationFrame(() => {
    const now = document.activeElement;
    if (now && now !== document.body && now !== from) return; // the user has moved on: leave focus be
    const card = document.querySelector(`[data-testid="layer-card"][data-index="${index}"]`);
    if (!card) return;
    /** @type {HTMLElement | null} */
    const wanted = card.querySelector(`[data-testid="${testid}"]:not([disabled])`);
    /** @type {HTMLElement | null} */
    const anyControl = card.querySelector("button:not([disabled]), select:not([disabled]), input:not([disabled])");
    (wanted || anyControl)?.focus();
  });
}

/** A layer type's name in the current language (the catalog's label for types we have no text for). */
function layerName(type) {
  const info = S.catalog.peek().layers.find((l) => l.type === type);
  return tOr(`layer.${type}`, info ? info.label : type);
}

/**
 * A setting's number as the field shows it: short, and whole (a batch norm's eps 0.00001 reads
 * "1e-5", not "0.000" cut off by the field's edge; 0.1 + 0.2 reads 0.3).
 */
export function settingText(value) {
  if (value === null || value === undefined) return ""; // unset (e.g. stride = pool size)
  if (typeof value !== "number" || !Number.isFinite(value)) return String(value);
  const tidy = Number(value.toPrecision(6));
  const size = Math.abs(tidy);
  return size !== 0 && (size < 1e-3 || size >= 1e6) ? tidy.toExponential() : String(tidy);
}

/** One setting of a layer, edited with the control its catalog kind calls for. */
function SettingEditor({ index, type, setting, value, disabled }) {
  const tip = settingTip(type, setting);
  const n = index + 1;
  const label = tOr(`setting.${setting.name}`, setting.name);
  const shown = settingText(value);
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [value]);
  const aria = `${label} (${t("net.hidden", { n })})`;
  let control;
  if (setting.kind === "bool") {
    control = html`<input type="checkbox" checked=${!!value} disabled=${disabled} aria-label=${aria}
      data-testid=${`setting-${setting.name}`}
      onChange=${(e) => updateLayer(index, { [setting.name]: e.currentTarget.checked })} />`;
  } else if (setting.kind === "choice") {
    control = html`<select value=${String(value)} disabled=${disabled} aria-label=${aria}
      data-testid=${`setting-${setting.name}`}
      onChange=${(e) => updateLayer(index, { [setting.name]: e.currentTarget.value })}>
      ${(setting.choices || []).map((c) => html`<option value=${c}>${choiceLabel(setting.name, c)}</option>`)}
    </select>`;
  } else {
    const commit = (e) => {
      const v = Number(text);
      // A number input reports "" for text it cannot read ("1e", "-"): that is a typo, not "auto".
      const unreadable = e && e.currentTarget && e.currentTarget.validity && e.currentTarget.validity.badInput;
      if (unreadable) {
        setText(shown);
      } else if (text.trim() === "" && setting.default === null) {
        // Emptied: back to "auto" (e.g. a pool's stride follows its size again).
        if (value !== null && value !== undefined) updateLayer(index, { [setting.name]: null });
      } else if (text.trim() === "" || !Number.isFinite(v) || (setting.kind === "int" && !Number.isInteger(v))) {
        setText(shown);
      } else if (v !== value) updateLayer(index, { [setting.name]: v });
    };
    // As wide as its text (at least the usual 64 px), so no digit hides past the edge.
    const width = `max(64px, calc(${Math.max(text.length, 2)}ch + 18px))`;
    control = html`<input class="setting-input" style=${{ width }} type="number" step=${setting.kind === "int" ? 1 : "any"}
      min=${setting.minimum ?? undefined} max=${setting.maximum ?? undefined} value=${text} disabled=${disabled}
      aria-label=${aria} data-testid=${`setting-${setting.name}`} title=${tip}
      placeholder=${setting.default === null ? t("net.auto") : undefined}
      onInput=${(e) => setText(e.currentTarget.value)} onChange=${commit}
      onKeyDown=${(e) => e.key === "Enter" && e.currentTarget.blur()} />`;
  }
  return html`<label class="card-field" title=${tip}>
    <span class="field-label">${label}</span>${control}
  </label>`;
}

/** What the input is, in words: the 2-D features, an image's size, a sequence's length, columns. */
function inputDescription(state, catalog) {
  const shape = state.model.input_shape;
  const kind = kindOf(catalog, state.dataset);
  if (kind === "points") {
    const labels = Object.fromEntries((catalog.features || []).map((f) => [f.name, f.formula]));
    const names = (state.dataset.features || []).map((f) => labels[f] || f);
    return t("net.inputDesc", { n: shape[0], names: names.join(", ") });
  }
  if (kind === "image") return t("block.inputImage", { c: shape[0], h: shape[1], w: shape[2] });
  if (kind === "sequence") return t("block.inputSequence", { t: shape[0], f: shape[1] });
  return t("block.inputTable", { n: shape[0] });
}

function shapeText(shape) {
  return `(${shape.join(", ")})`;
}

function activationOptions(catalog, layerType) {
  const info = catalog.layers.find((l) => l.type === layerType);
  const setting = info && info.settings.find((s) => s.name === "activation");
  return setting ? setting.choices : catalog.activations.map((a) => a.name);
}

/** The bounds of a layer type's `units` setting, as the catalog gives them. */
function unitsBounds(catalog, type) {
  const info = catalog.layers.find((l) => l.type === type);
  const s = info && info.settings.find((x) => x.name === "units");
  return [s && s.minimum !== null ? s.minimum : 1, s && s.maximum !== null ? s.maximum : 1024];
}

/** One palette entry: greyed out, not draggable and its "+" disabled where it does not suit the data. */
function PaletteItem({ info, disabled, unsuited, at, setDrag }) {
  const name = layerName(info.type);
  const desc = tOr(`layerDesc.${info.type}`, info.description);
  const addText = unsuited ? t("net.unsuitedLayer", { layer: name }) : t("net.add", { layer: name, n: at + 1 });
  return html`<div class=${`palette-item ${unsuited ? "unsuited" : ""}`} data-testid=${`palette-${info.type}`}
    data-unsuited=${unsuited ? "true" : "false"} draggable=${!disabled && !unsuited}
    onDragStart=${(e) => {
      e.dataTransfer.setData(DRAG_TYPE, info.type);
      e.dataTransfer.setData("text/plain", info.type);
      e.dataTransfer.effectAllowed = "copy";
      setDrag({ kind: "new", type: info.type });
    }}
    onDragEnd=${() => setDrag(null)}
    title=${unsuited ? `${desc} (${t("net.unsuited")})` : desc}>
    <span class=${`layer-chip chip-${info.type}`} aria-hidden="true"></span>
    <span class="palette-text">
      <span class="palette-name">${name}</span>
      <span class="palette-desc">${desc}${unsuited ? ` (${t("net.unsuited")})` : ""}</span>
    </span>
    <button class="btn-icon" data-testid=${`add-${info.type}`} disabled=${disabled || unsuited}
      aria-label=${addText} title=${addText} onClick=${() => addLayer(info.type)}><${PlusIcon} /></button>
  </div>`;
}

function Palette({ disabled, setDrag, removing }) {
  const catalog = S.catalog.value;
  const state = S.session.value;
  const kind = kindOf(catalog, state.dataset);
  const layers = S.draftLayers.value || state.model.layers;
  return html`<div class=${`palette ${removing ? "palette-remove" : ""}`} data-testid="palette" data-control="palette"
    aria-label=${t("net.palette")}>
    ${removing
      ? html`<div class="remove-zone" data-testid="remove-zone">${t("net.dropRemove")}</div>`
      : null}
    ${catalog.layers.map(
      (info) => html`<${PaletteItem} key=${info.type} info=${info} disabled=${disabled} setDrag=${setDrag}
        unsuited=${!suitsData(catalog, info.type, kind)} at=${insertionPoint(catalog, state, layers, info.type)} />`,
    )}
    <p class="hint">${t("net.paletteHint")}</p>
  </div>`;
}

function UnitsEditor({ index, type, units, disabled }) {
  const catalog = S.catalog.value;
  const [lo, hi] = unitsBounds(catalog, type);
  const [text, setText] = useState(String(units));
  useEffect(() => setText(String(units)), [units]);
  const n = index + 1;
  const commit = () => {
    const v = Number(text);
    if (!Number.isFinite(v) || !Number.isInteger(v) || text.trim() === "") {
      setText(String(units));
      return;
    }
    if (v !== units) updateLayer(index, { units: v }); // out-of-range values: the server says why
  };
  return html`<div class="units" role="group" aria-label=${t("net.unitsOf", { n })}>
    <button class="btn-icon" data-testid="units-dec" disabled=${disabled || units <= lo}
      aria-label=${t("net.fewerUnits", { n })} onClick=${() => updateLayer(index, { units: units - 1 })}>
      <${MinusIcon} />
    </button>
    <input class="units-input" type="number" inputmode="numeric" data-testid="units-input" min=${lo} max=${hi}
      value=${text} disabled=${disabled} aria-label=${t("net.unitsOf", { n })}
      onInput=${(e) => setText(e.currentTarget.value)} onChange=${commit}
      onKeyDown=${(e) => e.key === "Enter" && e.currentTarget.blur()} />
    <button class="btn-icon" data-testid="units-inc" disabled=${disabled || units >= hi}
      aria-label=${t("net.moreUnits", { n })} onClick=${() => updateLayer(index, { units: units + 1 })}>
      <${PlusIcon} />
    </button>
  </div>`;
}

function LayerCard({ layer, index, count, summary, disabled, error, onDragStart, onDragEnd, dragging }) {
  const catalog = S.catalog.value;
  const isOutput = index === count - 1;
  const n = index + 1;
  const cardRef = useRef(null);
  const activations = activationOptions(catalog, layer.type);
  const info = catalog.layers.find((l) => l.type === layer.type);
  // Settings with no dedicated control above (units and activation have their own).
  const otherSettings = info
    ? info.settings.filter((st) => !["units", "activation", "use_bias"].includes(st.name))
    : [];
  const title = isOutput ? t("net.output") : t("net.hidden", { n });
  const formula = (catalog.activations.find((a) => a.name === layer.activation) || {}).formula;
  return html`<li ref=${cardRef}
    class=${`layer-card ${isOutput ? "is-output" : "is-hidden"} type-${layer.type} ${error ? "has-error" : ""} ${dragging ? "is-dragging" : ""}`}
    data-testid="layer-card" data-index=${index} data-role=${isOutput ? "output" : "hidden"}
    data-type=${layer.type} aria-label=${`${title} · ${layerName(layer.type)}`}>
    <div class="card-head" draggable=${!isOutput && !disabled} data-testid="drag-handle"
      onDragStart=${(e) => onDragStart(e, index, cardRef.current)} onDragEnd=${onDragEnd}
      title=${isOutput ? t("net.fixed") : t("net.dragHandle", { n })}>
      ${isOutput ? html`<span class="grip grip-locked" aria-hidden="true"></span>` : html`<span class="grip" aria-hidden="true"><${GripIcon} /></span>`}
      <span class=${`layer-chip chip-${layer.type}`} aria-hidden="true"></span>
      <span class="card-title">${title}</span>
      <span class="card-type">${layerName(layer.type)}</span>
      ${isOutput
        ? html`<span class="fixed-note">${t("net.fixed")}</span>`
        : html`<span class="card-actions">
            <button class="btn-icon" data-testid="move-up" disabled=${disabled || index === 0}
              aria-label=${t("net.moveUp", { n })} title=${t("net.moveUp", { n })}
              onClick=${(e) => { const from = e.currentTarget; moveLayer(index, index - 1).then((ok) => ok && refocus(from, index - 1, "move-up")); }}><${UpIcon} /></button>
            <button class="btn-icon" data-testid="move-down" disabled=${disabled || index >= count - 2}
              aria-label=${t("net.moveDown", { n })} title=${t("net.moveDown", { n })}
              onClick=${(e) => { const from = e.currentTarget; moveLayer(index, index + 1).then((ok) => ok && refocus(from, index + 1, "move-down")); }}><${DownIcon} /></button>
            <button class="btn-icon btn-danger" data-testid="remove-layer" disabled=${disabled}
              aria-label=${t("net.remove", { n })} title=${t("net.remove", { n })}
              onClick=${(e) => { const from = e.currentTarget; removeLayer(index).then((ok) => ok && refocus(from, index, "remove-layer")); }}><${CloseIcon} /></button>
          </span>`}
    </div>
    <div class="card-body">
      ${info && info.settings.some((st) => st.name === "units")
        ? isOutput
          ? html`<div class="card-field"><span class="field-label">${t("net.units")}</span>
              <span class="fixed-value" data-testid="units-fixed">${layer.units}</span></div>`
          : html`<div class="card-field"><span class="field-label">${t("net.units")}</span>
              <${UnitsEditor} index=${index} type=${layer.type} units=${layer.units} disabled=${disabled} /></div>`
        : null}
      ${"activation" in layer ? html`<${ActivationPlot} index=${index} activation=${layer.activation} />` : null}
      ${"activation" in layer
        ? html`<div class="card-field">
            <span class="field-label">${t("net.activation")}</span>
            ${isOutput
              ? html`<span class="fixed-value" title=${formula}>${activationLabel(layer.activation)}</span>`
              : html`<select data-testid="activation" value=${layer.activation} disabled=${disabled}
                  aria-label=${t("net.activationOf", { n })} title=${formula}
                  onChange=${(e) => updateLayer(index, { activation: e.currentTarget.value })}>
                  ${activations.map((a) => html`<option value=${a}>${activationLabel(a)}</option>`)}
                </select>`}
          </div>`
        : null}
      ${isOutput
        ? null
        : otherSettings.map((setting) => html`<${SettingEditor} key=${setting.name} index=${index} type=${layer.type}
            setting=${setting} value=${layer[setting.name] ?? setting.default} disabled=${disabled} />`)}
    </div>
    <div class="card-foot">
      ${summary
        ? html`<span class="shape" data-testid="layer-shape" title=${t("net.shape")}>${shapeText(summary.output_shape)}</span>
            <span class="params" data-testid="layer-params">${t("net.params", { n: formatInt(summary.param_count) })}</span>`
        : html`<span class="shape pending">${t("net.saving")}</span>`}
      <${BiasSwitch} index=${index} layer=${layer} title=${title} disabled=${disabled} />
    </div>
    ${error
      ? html`<div class="card-error" data-testid="error" role="alert">
          <span class="error-message">${error.message}</span>
          <button class="btn btn-small btn-ghost" onClick=${dismissError} aria-label=${t("error.dismiss")}>×</button>
        </div>`
      : null}
  </li>`;
}

/** In the stack where a refused new layer would have gone: why it was refused. */
function RejectedLayer({ error }) {
  const ref = useRef(null);
  useEffect(() => ref.current?.scrollIntoView({ block: "nearest" }), [error]);
  return html`<li ref=${ref} class="rejected-layer" data-testid="rejected-layer" role="alert">
    <span class="error-message" data-testid="error">${error.message}</span>
    <button class="btn btn-small btn-ghost" onClick=${dismissError} aria-label=${t("error.dismiss")}>×</button>
  </li>`;
}

/** Index (0..hidden count) where a dragged layer would be inserted, from the pointer's y. */
function insertionIndex(listEl, clientY) {
  const cards = listEl.querySelectorAll('[data-testid="layer-card"][data-role="hidden"]');
  for (let i = 0; i < cards.length; i++) {
    const box = cards[i].getBoundingClientRect();
    if (clientY < box.top + box.height / 2) return i;
  }
  return cards.length;
}

export function NetworkPanel() {
  const state = S.session.value;
  const catalog = S.catalog.value;
  const draft = S.draftLayers.value;
  const error = S.lastError.value;
  const [drag, setDrag] = useState(null); // {kind: "new", type} | {kind: "move", from}
  const [dropAt, setDropAt] = useState(null);
  const listRef = useRef(null);
  const wrapRef = useRef(null); // the drop target: input card, layer list and total
  const dragRef = useRef(null);
  dragRef.current = drag;

  // While a layer card is dragged, a drop anywhere outside the stack (e.g. on the palette) removes it.
  useEffect(() => {
    if (!drag || drag.kind !== "move") return undefined;
    const over = (e) => {
      if (wrapRef.current && wrapRef.current.contains(e.target)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
    };
    const drop = (e) => {
      if (wrapRef.current && wrapRef.current.contains(e.target)) return;
      e.preventDefault();
      const current = dragRef.current;
      setDrag(null);
      setDropAt(null);
      if (current && current.kind === "move") removeLayer(current.from);
    };
    document.addEventListener("dragover", over);
    document.addEventListener("drop", drop);
    return () => {
      document.removeEventListener("dragover", over);
      document.removeEventListener("drop", drop);
    };
  }, [drag]);

  if (!state || !catalog) return null;
  const disabled = S.readOnly.value;
  const layers = draft || state.model.layers;
  const summaries = draft ? null : state.layers;
  const count = layers.length;
  const layerError = error && error.scope === "network" && error.layer !== null && error.layer < count ? error : null;
  // A refused new layer: its error stands where the layer would have gone.
  const rejected = error && error.scope === "network" && error.layer === null && Number.isInteger(error.insertedAt)
    && error.insertedAt < count && !draft ? error : null;

  const onCardDragStart = (e, index, cardEl) => {
    e.dataTransfer.setData(DRAG_TYPE, `move:${index}`);
    e.dataTransfer.setData("text/plain", `layer ${index + 1}`);
    e.dataTransfer.effectAllowed = "move";
    if (cardEl) {
      const box = cardEl.getBoundingClientRect();
      e.dataTransfer.setDragImage(cardEl, e.clientX - box.left, e.clientY - box.top);
    }
    setDrag({ kind: "move", from: index });
  };
  const endDrag = () => {
    setDrag(null);
    setDropAt(null);
  };
  const onDragOver = (e) => {
    const current = dragRef.current;
    if (!current || disabled) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = current.kind === "new" ? "copy" : "move";
    const at = insertionIndex(listRef.current, e.clientY);
    if (at !== dropAt) setDropAt(at);
  };
  const onDragLeave = (e) => {
    if (!wrapRef.current.contains(e.relatedTarget)) setDropAt(null);
  };
  const onDrop = (e) => {
    const current = dragRef.current;
    if (!current || disabled) return;
    e.preventDefault();
    e.stopPropagation();
    const at = insertionIndex(listRef.current, e.clientY);
    endDrag();
    if (current.kind === "new") addLayer(current.type, at);
    else moveLayer(current.from, at > current.from ? at - 1 : at);
  };

  const items = [];
  layers.forEach((layer, index) => {
    if (dropAt === index && drag) items.push(html`<li class="drop-marker" aria-hidden="true" key=${`m${index}`}></li>`);
    if (rejected && rejected.insertedAt === index) items.push(html`<${RejectedLayer} key="rejected" error=${rejected} />`);
    items.push(html`<${LayerCard} key=${`l${index}`} layer=${layer} index=${index} count=${count}
      summary=${summaries && summaries[index]} disabled=${disabled}
      error=${layerError && layerError.layer === index ? layerError : null}
      dragging=${drag && drag.kind === "move" && drag.from === index}
      onDragStart=${onCardDragStart} onDragEnd=${endDrag} />`);
  });
  const inputShape = state.model.input_shape;
  return html`<div class="panel-body network-panel">
    <h2 class="section-title">${t("net.title")}</h2>
    <${Palette} disabled=${disabled} drag=${drag} setDrag=${setDrag} removing=${drag && drag.kind === "move"} />
    <div class=${`stack-wrap ${drag ? "is-drop-target" : ""}`} ref=${wrapRef}
      onDragEnter=${onDragOver} onDragOver=${onDragOver} onDragLeave=${onDragLeave} onDrop=${onDrop}>
      <div class="input-card" data-testid="input-card">
        <span class="layer-chip chip-input" aria-hidden="true"></span>
        <span class="card-title">${t("net.input")}</span>
        <span class="card-type" data-testid="input-desc">${inputDescription(state, catalog)}</span>
        <span class="shape" data-testid="input-shape">${shapeText(inputShape)}</span>
      </div>
      <ol class="layer-stack" data-testid="layer-stack" data-control="layer_stack model.layers" ref=${listRef}
        data-pending=${String(S.pending.value)} aria-busy=${S.pending.value > 0 ? "true" : "false"}
        aria-label=${t("net.stack")}>
        ${items}
      </ol>
      <div class="total" data-testid="total-params">
        ${summaries ? t("net.total", { n: formatInt(state.total_params) }) : t("net.saving")}
      </div>
    </div>
    <${ErrorBox} scopes=${["network"]} skip=${!!layerError || !!rejected} />
  </div>`;
}
