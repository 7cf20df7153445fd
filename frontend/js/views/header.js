// Top bar: title, run controls, live counters, status, speed, share and language.
import { html } from "htm/preact";
import { useComputed } from "@preact/signals";
import * as S from "../state.js";
import { command, togglePlay, changeTraining, newSession } from "../actions.js";
import { ShareMenu, DownloadMenu, ForkButton, SessionsButton, ForkedFrom } from "./share.js";
import { t, formatInt, toggleLang } from "../i18n.js";
import { LessonsButton } from "../lessons/entry.js";
import { problemText } from "../problems.js";
import { PlayIcon, PauseIcon, ResetIcon, StepIcon, LogoIcon, EyeIcon } from "./icons.js";

const SPEEDS = [1, 3, 10, 30, 100, 300, 1000, 3000];

function Counter({ label, value, testid }) {
  // `value` is a computed signal passed straight into the text: only that text node updates.
  return html`<div class="counter">
    <span class="counter-label">${label}</span>
    <span class="counter-value" data-testid=${testid} aria-live="off">${value}</span>
  </div>`;
}

function SpeedSelect({ disabled }) {
  const state = S.session.value;
  const current = state ? state.training.steps_per_second : null;
  const options = current && !SPEEDS.includes(current) ? [...SPEEDS, current].sort((a, b) => a - b) : SPEEDS;
  const onChange = (e) => {
    const v = e.currentTarget.value;
    if (v === "max") changeTraining({}, ["steps_per_second"]);
    else changeTraining({ steps_per_second: Number(v) });
  };
  return html`<label class="speed" title=${t("speed.title")}>
    <span class="field-label">${t("speed.label")}</span>
    <select data-testid="speed" value=${current ? String(current) : "max"} onChange=${onChange} disabled=${disabled}
      aria-label=${t("speed.title")}>
      <option value="max">${t("speed.max")}</option>
      ${options.map((n) => html`<option value=${String(n)}>${t("speed.short", { n: formatInt(n) })}</option>`)}
    </select>
  </label>`;
}

function StatusBadge() {
  const status = S.status.value;
  return html`<span class=${`status status-${status}`} data-testid="status" role="status" title=${t("status.label")}>
    <span class="status-dot" aria-hidden="true"></span>${t(`status.${status}`)}
  </span>`;
}

function Connection() {
  const c = S.connection.value;
  if (c === "open" || c === "gone") return null;
  return html`<span class=${`conn conn-${c}`} data-testid="connection">${t(`conn.${c}`)}</span>`;
}

export function Header() {
  const readOnly = S.readOnly.value;
  const running = S.status.value === "running";
  const epochText = useComputed(() => formatInt(S.epoch.value));
  const stepText = useComputed(() => formatInt(S.step.value));
  const busy = S.boot.value !== "ready";
  const disabled = readOnly || busy;
  return html`<header class="topbar">
    <div class="brand">
      <${LogoIcon} />
      <div>
        <h1>${t("app.title")}</h1>
        ${S.session.value && S.session.value.forked_from
          ? html`<${ForkedFrom} />`
          : html`<div class="tagline">${t("app.tagline")}</div>`}
      </div>
    </div>
    <div class="controls" role="group" aria-label=${t("status.label")}>
      <button class="btn-round btn-secondary" data-testid="reset" data-control="reset" onClick=${() => command("reset")}
        disabled=${disabled} aria-label=${t("ctl.resetLabel")} title=${t("ctl.resetLabel")}>
        <${ResetIcon} />
      </button>
      <button class=${`btn-play ${running ? "is-running" : ""}`} data-testid="play-pause" data-control="play_pause" onClick=${togglePlay}
        disabled=${disabled} aria-label=${running ? t("ctl.pause") : t("ctl.play")}
        title=${running ? t("ctl.pause") : t("ctl.play")} data-action=${running ? "pause" : "play"}>
        ${running ? html`<${PauseIcon} />` : html`<${PlayIcon} />`}
      </button>
      <button class="btn btn-step" data-testid="step-batch" data-control="step" onClick=${() => command("step", "batch")}
        disabled=${disabled} aria-label=${t("ctl.stepBatchLabel")} title=${t("ctl.stepBatchLabel")}>
        <${StepIcon} /><span>${t("ctl.stepBatch")}</span>
      </button>
      <button class="btn btn-step" data-testid="step-epoch" data-control="step" onClick=${() => command("step", "epoch")}
        disabled=${disabled} aria-label=${t("ctl.stepEpochLabel")} title=${t("ctl.stepEpochLabel")}>
        <${StepIcon} /><span>${t("ctl.stepEpoch")}</span>
      </button>
    </div>
    <div class="counters">
      <${Counter} label=${t("ctr.epoch")} value=${epochText} testid="epoch-counter" />
      <${Counter} label=${t("ctr.step")} value=${stepText} testid="step-counter" />
      <${StatusBadge} />
      <${Connection} />
    </div>
    <div class="topbar-right">
      <${SpeedSelect} disabled=${disabled} />
      ${readOnly && !busy
        ? html`<span class="badge-viewonly" data-testid="view-only-badge"><${EyeIcon} />${t("viewOnly.badge")}</span>`
        : null}
      ${busy ? null : html`<${ShareMenu} /><${DownloadMenu} />`}
      ${busy || readOnly ? null : html`<${ForkButton} />`}
      ${busy ? null : html`<${LessonsButton} />`}
      <${SessionsButton} />
      <button class="btn btn-ghost lang" data-testid="lang-toggle" onClick=${toggleLang}
        aria-label=${t("lang.switchLabel")} title=${t("lang.switchLabel")}>${t("lang.switch")}</button>
    </div>
  </header>`;
}

/** Messages under the top bar: view-only note, divergence, notices, run errors. */
export function Banners() {
  const state = S.session.value;
  const status = S.status.value;
  const notice = S.notice.value;
  const error = S.lastError.value;
  const items = [];
  if (S.readOnly.value && S.boot.value === "ready") {
    items.push(html`<div class="banner banner-viewonly" data-testid="view-only">
      <${EyeIcon} /><span><strong>${t("viewOnly.title")}</strong> ${t("viewOnly.note")}</span>
      <span class="banner-actions">
        <${ForkButton} primary=${true} testid="fork-banner" />
        <button class="btn btn-small" onClick=${newSession}>${t("viewOnly.own")}</button>
      </span>
    </div>`);
  }
  if (status === "diverged" && state && state.divergence) {
    items.push(html`<div class="banner banner-danger" data-testid="divergence" role="alert">
      <strong>${t("diverged.title")}</strong> <span>${problemText(state.divergence)}</span>
    </div>`);
  }
  if (state && state.error) {
    items.push(html`<div class="banner banner-danger" data-testid="session-error" role="alert">${problemText(state.error)}</div>`);
  }
  if (S.connection.value === "gone" && !S.deletedSession.value) {  // a deleted one has its own page
    items.push(html`<div class="banner banner-danger" data-testid="session-gone" role="alert">
      <span>${t("conn.gone")}</span>
      <button class="btn btn-small" onClick=${newSession}>${t("viewOnly.own")}</button>
    </div>`);
  }
  if (notice) {
    items.push(html`<div class="banner banner-info" role="status" data-testid="notice">
      <span>${t(notice.key)}</span>
      <button class="btn btn-small" onClick=${() => (S.notice.value = null)}>${t("error.dismiss")}</button>
    </div>`);
  }
  if (error && error.scope === "run") {
    items.push(html`<div class="banner banner-danger" data-testid="error" role="alert">
      <span>${error.message}</span>
      <button class="btn btn-small" onClick=${() => (S.lastError.value = null)}>${t("error.dismiss")}</button>
    </div>`);
  }
  return items.length ? html`<div class="banners">${items}</div>` : null;
}
