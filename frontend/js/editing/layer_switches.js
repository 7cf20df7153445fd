// The per-layer bias switch of the layer cards: shown for the layer types whose catalog entry has a
// `use_bias` setting (dense and conv2d today), so no list of types is kept here. Turning it off
// drops that layer's b and keeps every other weight and the step counter (the server treats a
// change of use_bias alone as a hand edit: sessions/bias_switch.py); on again, b starts at 0.
import { html } from "htm/preact";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { updateLayer } from "../layer_edits.js";

/** The catalog's setting `name` of layer type `type`, or undefined. */
export function settingOf(type, name) {
  const info = S.catalog.value && S.catalog.value.layers.find((l) => l.type === type);
  return info ? info.settings.find((s) => s.name === name) : undefined;
}

/** props: index, layer (its spec), title (the card's: "Hidden 2", "Output"), disabled. */
export function BiasSwitch({ index, layer, title, disabled }) {
  const setting = settingOf(layer.type, "use_bias");
  if (!setting) return null;
  const on = (layer.use_bias ?? setting.default) !== false;
  // In the card's foot beside the parameter count (what it changes), so the card grows no taller.
  return html`<button type="button" role="switch" class="bias-switch" data-testid="bias-switch"
    aria-checked=${on ? "true" : "false"} aria-label=${t("edit.biasOf", { layer: title })} disabled=${disabled}
    title=${setting.description} onClick=${() => updateLayer(index, { use_bias: !on })}>
    <span class="switch-text">${t("edit.bias")}</span>
    <span class="track" aria-hidden="true"></span>
    <span class="switch-text">${on ? t("edit.biasOn") : t("edit.biasOff")}</span>
  </button>`;
}
