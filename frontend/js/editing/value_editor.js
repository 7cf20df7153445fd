// The value editor of one weight or bias (opened from the network graph, graph_edits.js): a number
// field (Enter sets the value, Escape closes) and a lock that freezes the entry with one click, so
// training leaves it where it is. A viewer sees the value and why it cannot be changed.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { entryValue, isFrozen, readParam, setEntry, setFrozen, flatIndex } from "./param_edits.js";
import { formatValue } from "./graph_edits.js";

function close(refocus = true) {
  const open = S.valueEditor.peek();
  S.valueEditor.value = null;
  S.editError.value = null;
  if (refocus && open && open.returnFocus && open.returnFocus.isConnected) open.returnFocus.focus();
}

/** Whether the entry is frozen: the state's summary, or the whole mask when the summary has no list. */
function useFrozen(open) {
  const known = isFrozen(S.session.value, open.layer, open.param, open.index);
  const [fetched, setFetched] = useState(null);
  useEffect(() => {
    if (known !== null) return;
    readParam(open.layer, open.param)
      .then((state) => state && setFetched(Boolean(state.frozen.flat(Infinity)[flatIndex(state.shape, open.index)])))
      .catch(() => setFetched(false));
  }, [known]);
  return known === null ? fetched : known;
}

function EditorBox({ open }) {
  const readOnly = S.readOnly.value;
  const value = entryValue(open.layer, open.param, open.index);
  const [text, setText] = useState(value === null ? "" : String(Number(value.toPrecision(6))));
  const [typo, setTypo] = useState(false);
  const [localFrozen, setLocalFrozen] = useState(null);
  const serverFrozen = useFrozen(open);
  const frozen = localFrozen === null ? serverFrozen : localFrozen;
  const boxRef = useRef(null);
  const inputRef = useRef(null);
  const error = S.editError.value;

  useEffect(() => {
    (inputRef.current || boxRef.current?.querySelector("button"))?.focus();
    const onDown = (e) => {
      if (boxRef.current && !boxRef.current.contains(e.target)) close(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, []);

  const commit = async () => {
    const v = Number(text);
    if (text.trim() === "" || !Number.isFinite(v)) {
      setTypo(true);
      return;
    }
    setTypo(false);
    if (await setEntry(open.layer, open.param, open.index, v)) close();
  };
  const toggleFreeze = async () => {
    const answer = await setFrozen(open.layer, open.param, open.index, !frozen);
    if (answer) setLocalFrozen(Boolean(answer.frozen.flat(Infinity)[flatIndex(answer.shape, open.index)]));
  };
  const onKey = (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  };

  return html`<div class="value-editor" role="dialog" aria-label=${open.label} data-testid="value-editor"
    ref=${boxRef} style=${{ left: `${open.left}px`, top: `${open.top}px` }} onKeyDown=${onKey}>
    <div class="value-editor-head">
      <strong>${open.label}</strong>
      ${frozen ? html`<span class="frozen-tag" data-testid="frozen-tag">${t("edit.frozen")}</span>` : null}
    </div>
    ${readOnly
      ? html`<p class="value-readonly"><code data-testid="value-shown">${formatValue(value)}</code></p>
          <p class="hint" data-testid="view-only-note">${t("edit.viewOnly")}</p>`
      : html`<div class="value-row">
            <input ref=${inputRef} class="value-input" type="number" step="any" value=${text} data-testid="value-input"
              aria-label=${t("edit.valueOf", { name: open.label })} aria-invalid=${typo ? "true" : "false"}
              onInput=${(e) => setText(e.currentTarget.value)}
              onKeyDown=${(e) => e.key === "Enter" && (e.preventDefault(), commit())} />
            <button class="btn btn-small" data-testid="value-set" onClick=${commit}>${t("edit.set")}</button>
          </div>
          <button class=${`btn btn-small btn-ghost lock ${frozen ? "on" : ""}`} data-testid="freeze-toggle"
            aria-pressed=${frozen ? "true" : "false"} disabled=${frozen === null} onClick=${toggleFreeze}
            title=${t("edit.freezeHint")}>
            ${frozen ? t("edit.unfreeze") : t("edit.freeze")}
          </button>
          ${typo ? html`<p class="value-error" role="alert">${t("edit.notNumber")}</p>` : null}
          ${error ? html`<p class="value-error" role="alert" data-testid="edit-error">${error.message}</p>` : null}`}
    <p class="hint">${readOnly ? t("edit.closeHint") : t("edit.hint")}</p>
  </div>`;
}

/** A line saying how to edit, and the open value editor (mounted beside the network graph). */
export function ValueEditor() {
  const open = S.valueEditor.value;
  // The hint stays while the editor is open: the graph's height (and so its layout) must not change.
  return html`<p class="hint edit-hint">${S.readOnly.value ? t("edit.graphHintViewer") : t("edit.graphHint")}</p>
    ${open ? html`<${EditorBox} key=${JSON.stringify([open.layer, open.param, open.index])} open=${open} />` : null}`;
}
