// "Your data": upload a CSV (numeric feature columns and a label column, chosen here from the
// header read in the browser) or a zip of images (one folder per class). The file goes to the
// server as it is; a file it refuses is explained right here, naming the row, column or entry.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import * as S from "../state.js";
import { uploadFile, closeDialog } from "../actions.js";
import { t, formatInt } from "../i18n.js";
import { Modal } from "./popover.js";
import { UploadIcon } from "./icons.js";

/** Split one CSV line into cells (quotes and doubled quotes as RFC 4180). */
export function csvCells(line) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

const LABEL_NAMES = ["label", "class", "target", "y", "species", "category"];

/** The header and the first rows of a CSV file, read in the browser (only its beginning). */
async function readHead(file) {
  const text = await file.slice(0, 64 * 1024).text();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  if (!lines.length) return { header: [], rows: [] };
  return { header: csvCells(lines[0]), rows: lines.slice(1, 4).map(csvCells) };
}

/** Megabytes as people write them: "5", "6.3". */
function mb(bytes) {
  const v = bytes / 1024 / 1024;
  return Number.isInteger(v) || v >= 10 ? String(Math.round(v)) : v.toFixed(1);
}

/** What the server accepts (the catalog's upload_limits, from data/uploads.py): one source of truth. */
function limits() {
  return S.catalog.value.upload_limits;
}

/**
 * Why a file cannot be sent, as a function that says it in the language chosen when it is called
 * (errors are kept as such functions, so an open dialog follows a language switch), or null.
 * @returns {null | (() => string)}
 */
function tooLarge(file) {
  const max = limits().max_bytes;
  return file.size > max ? () => t("upload.tooLarge", { size: mb(file.size), limit: mb(max) }) : null;
}

function CsvForm({ busy, setBusy, error, setError }) {
  const [file, setFile] = useState(null);
  const [head, setHead] = useState(null);
  const [column, setColumn] = useState("");
  const choose = async (e) => {
    const chosen = e.currentTarget.files[0] || null;
    setError(null);
    setFile(chosen);
    setHead(null);
    if (!chosen) return;
    const read = await readHead(chosen);
    setHead(read);
    const named = read.header.find((h) => LABEL_NAMES.includes(h.toLowerCase()));
    setColumn(named || read.header[read.header.length - 1] || "");
    setError(() => tooLarge(chosen));
  };
  const submit = async (e) => {
    e.preventDefault();
    if (!file || !column) return;
    const local = tooLarge(file);
    if (local) return setError(() => local);
    setBusy(true);
    setError(null);
    const message = await uploadFile("csv", file, { labelColumn: column });
    setBusy(false);
    if (message) setError(() => message);
    else closeDialog();
  };
  return html`<form class="upload-form" onSubmit=${submit} data-testid="upload-csv-form">
    <p class="hint" data-testid="upload-limits">${t("upload.csvLimits", {
      size: mb(limits().max_bytes), rows: formatInt(limits().max_rows), columns: formatInt(limits().max_columns) })}</p>
    <label class="field">
      <span class="field-label">${t("upload.chooseCsv")}</span>
      <input type="file" accept=".csv,text/csv" data-testid="upload-file" onChange=${choose} disabled=${busy} />
    </label>
    ${head && head.header.length
      ? html`<label class="field">
          <span class="field-label">${t("upload.labelColumn")}</span>
          <select data-testid="label-column" value=${column} onChange=${(e) => setColumn(e.currentTarget.value)} disabled=${busy}>
            ${head.header.map((h) => html`<option value=${h}>${h}</option>`)}
          </select>
          <span class="hint">${t("upload.columnsRead", { n: head.header.length, features: head.header.length - 1 })}</span>
        </label>
        <div class="csv-head-wrap">
          <table class="sample-table csv-head" data-testid="csv-head">
            <thead><tr>${head.header.map((h) => html`<th class=${h === column ? "label-col" : ""}>${h}</th>`)}</tr></thead>
            <tbody>${head.rows.map((row) => html`<tr>${head.header.map((h, i) => html`<td class=${h === column ? "label-col" : ""}>${row[i] ?? ""}</td>`)}</tr>`)}</tbody>
          </table>
        </div>`
      : null}
    ${head && !head.header.length ? html`<p class="error-box" role="alert">${t("upload.emptyFile")}</p>` : null}
    ${error ? html`<div class="error-box" role="alert" data-testid="upload-error">${error()}</div>` : null}
    <div class="dialog-actions">
      <button type="button" class="btn" onClick=${closeDialog}>${t("dialog.cancel")}</button>
      <button type="submit" class="btn btn-primary" data-testid="upload-submit" disabled=${busy || !file || !column}>
        <${UploadIcon} />${busy ? t("upload.busy") : t("upload.submit")}
      </button>
    </div>
  </form>`;
}

function ImagesForm({ busy, setBusy, error, setError }) {
  const [file, setFile] = useState(null);
  const [side, setSide] = useState(28);
  const [color, setColor] = useState("grayscale");
  const choose = (e) => {
    const chosen = e.currentTarget.files[0] || null;
    setFile(chosen);
    setError(() => (chosen ? tooLarge(chosen) : null));
  };
  const submit = async (e) => {
    e.preventDefault();
    if (!file) return;
    const local = tooLarge(file);
    if (local) return setError(() => local);
    setBusy(true);
    setError(null);
    const message = await uploadFile("images", file, { side, color });
    setBusy(false);
    if (message) setError(() => message);
    else closeDialog();
  };
  return html`<form class="upload-form" onSubmit=${submit} data-testid="upload-images-form">
    <p class="hint" data-testid="upload-limits">${t("upload.imageLimits", {
      size: mb(limits().max_bytes), images: formatInt(limits().max_images) })}</p>
    <label class="field">
      <span class="field-label">${t("upload.chooseZip")}</span>
      <input type="file" accept=".zip,application/zip" data-testid="upload-file" onChange=${choose} disabled=${busy} />
    </label>
    <div class="field-pair">
      <label class="field">
        <span class="field-label">${t("upload.side")}</span>
        <input type="number" class="setting-input" min="4" max="64" step="1" value=${side} data-testid="upload-side"
          disabled=${busy} onChange=${(e) => setSide(Math.max(4, Math.min(64, Math.round(Number(e.currentTarget.value) || 28))))} />
      </label>
      <label class="field">
        <span class="field-label">${t("upload.color")}</span>
        <select value=${color} data-testid="upload-color" disabled=${busy} onChange=${(e) => setColor(e.currentTarget.value)}>
          <option value="grayscale">${t("upload.grayscale")}</option>
          <option value="rgb">${t("upload.rgb")}</option>
        </select>
      </label>
    </div>
    ${error ? html`<div class="error-box" role="alert" data-testid="upload-error">${error()}</div>` : null}
    <div class="dialog-actions">
      <button type="button" class="btn" onClick=${closeDialog}>${t("dialog.cancel")}</button>
      <button type="submit" class="btn btn-primary" data-testid="upload-submit" disabled=${busy || !file}>
        <${UploadIcon} />${busy ? t("upload.busy") : t("upload.submit")}
      </button>
    </div>
  </form>`;
}

export function UploadDialog() {
  return S.dialog.value === "upload" ? html`<${UploadDialogBody} />` : null;
}

function UploadDialogBody() {
  const [format, setFormat] = useState(S.session.peek()?.dataset.upload?.format || "csv");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const pick = (f) => {
    if (busy) return;
    setFormat(f);
    setError(null);
  };
  const close = () => !busy && closeDialog();
  const props = { busy, setBusy, error, setError };
  return html`<${Modal} title=${t("upload.title")} testid="upload-dialog" onClose=${close}>
    <p class="hint">${t("upload.explain")}</p>
    <div class="segmented" role="group" aria-label=${t("upload.format")}>
      <button class=${format === "csv" ? "on" : ""} aria-pressed=${format === "csv" ? "true" : "false"}
        data-testid="upload-format-csv" onClick=${() => pick("csv")}>${t("upload.csv")}</button>
      <button class=${format === "images" ? "on" : ""} aria-pressed=${format === "images" ? "true" : "false"}
        data-testid="upload-format-images" onClick=${() => pick("images")}>${t("upload.images")}</button>
    </div>
    ${format === "csv" ? html`<${CsvForm} key="csv" ...${props} />` : html`<${ImagesForm} key="images" ...${props} />`}
  </${Modal}>`;
}
