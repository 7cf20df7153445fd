// Sharing and keeping sessions: the share link (copy), downloads (spec, weights, PyTorch script),
// fork, "forked from", and the list of this browser's sessions.
import { html } from "htm/preact";
import { useState, useRef, useEffect } from "preact/hooks";
import * as S from "../state.js";
import { forkSession, newSession, openSession, openDialog, closeDialog } from "../actions.js";
import { download } from "../downloads.js";
import { loadMySessions } from "../owned_sessions.js";
import { keptError } from "../problems.js";
import { t, tOr, formatInt } from "../i18n.js";
import { entryOf } from "../datasets.js";
import { Popover, Modal } from "./popover.js";
import { ShareIcon, DownloadIcon, ForkIcon, ListIcon, PlusIcon, CopyIcon, CheckIcon } from "./icons.js";

/** Copy `text` to the clipboard; falls back to selecting `input` and execCommand("copy"). */
async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

function ShareContent() {
  const inputRef = useRef(null);
  const [copied, setCopied] = useState(null); // null | "ok" | "failed"
  const url = S.shareUrl.value;
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  const onCopy = async () => setCopied((await copyText(url, inputRef.current)) ? "ok" : "failed");
  return html`<div class="share-panel">
    <label class="field-label" for="share-url">${t("share.linkLabel")}</label>
    <div class="share-row">
      <input id="share-url" ref=${inputRef} class="share-url" data-testid="share-url" value=${url} readonly
        onFocus=${(e) => e.currentTarget.select()} />
      <button class="btn btn-primary" data-testid="copy-link" onClick=${onCopy}>
        ${copied === "ok" ? html`<${CheckIcon} />` : html`<${CopyIcon} />`}
        <span>${copied === "ok" ? t("share.copied") : t("share.copy")}</span>
      </button>
    </div>
    <p class="hint" role="status" aria-live="polite" data-testid="copy-status">
      ${copied === "ok" ? t("share.copiedNote") : copied === "failed" ? t("share.copyFailed") : t("share.explain")}
    </p>
  </div>`;
}

export function ShareMenu() {
  return html`<${Popover} label=${t("share.button")} title=${t("share.title")} icon=${html`<${ShareIcon} />`}
    testid="share" panelTestid="share-panel" panelLabel=${t("share.title")}>
    <${ShareContent} />
  </${Popover}>`;
}

const DOWNLOADS = [
  ["spec", "download.spec", "download.specHint"],
  ["weights", "download.weights", "download.weightsHint"],
  ["pytorch", "download.pytorch", "download.pytorchHint"],
];

function DownloadContent() {
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const get = async (what) => {
    setBusy(what);
    setError(null);
    const message = await download(what);
    setBusy(null);
    if (message) setError(message);
  };
  return html`<div class="menu" role="menu" aria-label=${t("download.title")}>
    ${DOWNLOADS.map(([what, label, hint]) => html`<button class="menu-item" role="menuitem" data-testid=${`download-${what}`}
      disabled=${busy !== null} onClick=${() => get(what)}>
      <span class="menu-label">${t(label)}${busy === what ? " …" : ""}</span>
      <span class="menu-hint">${t(hint)}</span>
    </button>`)}
    ${error ? html`<div class="error-box" role="alert" data-testid="download-error">${error}</div>` : null}
  </div>`;
}

export function DownloadMenu() {
  return html`<${Popover} label=${t("download.button")} title=${t("download.title")} icon=${html`<${DownloadIcon} />`}
    testid="download" panelTestid="download-panel" panelLabel=${t("download.title")}>
    <${DownloadContent} />
  </${Popover}>`;
}

export function ForkButton({ primary = false, testid = "fork" }) {
  const busy = S.forking.value;
  return html`<button class=${`btn ${primary ? "btn-primary" : "btn-ghost"}`} data-testid=${testid}
    onClick=${forkSession} disabled=${busy || S.boot.value !== "ready"} title=${t("fork.title")}>
    <${ForkIcon} /><span class="btn-text">${busy ? t("fork.busy") : t("fork.button")}</span>
  </button>`;
}

export function SessionsButton() {
  return html`<button class="btn btn-ghost" data-testid="my-sessions" onClick=${() => openDialog("sessions")}
    aria-haspopup="dialog" title=${t("sessions.title")}>
    <${ListIcon} /><span class="btn-text">${t("sessions.button")}</span>
  </button>`;
}

/** "forked from …": a link to the session this one was copied from. */
export function ForkedFrom() {
  const state = S.session.value;
  if (!state || !state.forked_from) return null;
  const id = state.forked_from;
  const open = (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return; // new tab: let the browser do it
    e.preventDefault();
    openSession(id).catch((err) => {
      S.lastError.value = keptError(err, { layer: null, scope: "run" });
    });
  };
  return html`<span class="forked-from" data-testid="forked-from">
    <${ForkIcon} size=${14} />${t("fork.from")}
    <a href=${`/s/${encodeURIComponent(id)}`} onClick=${open} data-testid="forked-from-link">${id.slice(0, 8)}…</a>
  </span>`;
}

function datasetLabel(ds) {
  if (ds.name === "upload") return ds.upload ? ds.upload.filename || t("dataset.upload") : t("dataset.upload");
  const entry = entryOf(S.catalog.peek(), ds.name);
  return tOr(`dataset.${ds.name}`, entry ? entry.label : ds.name);
}

function timeAgo(ms) {
  if (!ms) return "";
  const minutes = Math.round((Date.now() - ms) / 60000);
  if (minutes < 1) return t("time.now");
  if (minutes < 60) return t("time.minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t("time.hours", { n: hours });
  return t("time.days", { n: Math.round(hours / 24) });
}

function SessionRow({ item, current }) {
  const open = () => {
    closeDialog();
    if (!current) openSession(item.id).catch(() => loadMySessions());
  };
  if (item.error) {
    return html`<li class="session-row" data-testid="session-row" data-id=${item.id}>
      <div class="session-main"><code>${item.id.slice(0, 8)}…</code><span class="error-message">${item.error}</span></div>
    </li>`;
  }
  return html`<li class=${`session-row ${current ? "is-current" : ""}`} data-testid="session-row" data-id=${item.id}>
    <div class="session-main">
      <div class="session-title">
        <strong data-testid="session-dataset">${datasetLabel(item.dataset)}</strong>
        <span class="session-layers">${item.layers.length} ${t("sessions.layers")} · ${t("net.params", { n: formatInt(item.totalParams) })}</span>
      </div>
      <div class="session-meta">
        <span class=${`status status-${item.status}`}><span class="status-dot" aria-hidden="true"></span>${t(`status.${item.status}`)}</span>
        <span>${t("ctr.step")} ${formatInt(item.step)}</span>
        <span>${t("ctr.epoch")} ${formatInt(item.epoch)}</span>
        ${item.forkedFrom ? html`<span>${t("fork.from")} ${item.forkedFrom.slice(0, 8)}…</span>` : null}
        <span class="session-when">${timeAgo(item.opened)}</span>
      </div>
    </div>
    ${current
      ? html`<span class="session-current">${t("sessions.current")}</span>`
      : html`<button class="btn btn-small" data-testid="open-session" onClick=${open}
          aria-label=${t("sessions.openLabel", { name: datasetLabel(item.dataset), id: item.id.slice(0, 8) })}>${t("sessions.open")}</button>`}
  </li>`;
}

export function SessionsDialog() {
  if (S.dialog.value !== "sessions") return null;
  const { loading, items } = S.mySessions.value;
  const currentId = S.sessionId.value;
  return html`<${Modal} title=${t("sessions.title")} testid="sessions-dialog" onClose=${closeDialog}>
    <div class="sessions-toolbar">
      <p class="hint">${t("sessions.explain")}</p>
      <button class="btn btn-primary" data-testid="new-session" onClick=${newSession}><${PlusIcon} />${t("sessions.new")}</button>
    </div>
    <ul class="session-list" data-testid="session-list" aria-busy=${loading ? "true" : "false"} data-loading=${loading ? "1" : "0"}>
      ${items.map((item) => html`<${SessionRow} key=${item.id} item=${item} current=${item.id === currentId} />`)}
    </ul>
    ${loading && !items.length ? html`<p class="hint">${t("sessions.loading")}</p>` : null}
    ${!loading && !items.length ? html`<p class="hint" data-testid="sessions-empty">${t("sessions.none")}</p>` : null}
  </${Modal}>`;
}
