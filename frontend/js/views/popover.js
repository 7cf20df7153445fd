// A button with a small panel under it (share link, downloads), and a modal dialog (my sessions,
// upload). Both are keyboard accessible: the panel takes focus when it opens, Escape closes it and
// gives focus back to the button that opened it, a click outside closes it.
import { html } from "htm/preact";
import { useState, useRef, useEffect } from "preact/hooks";
import { t } from "../i18n.js";
import { CloseIcon } from "./icons.js";

const FOCUSABLE = "input:not([disabled]), button:not([disabled]), a[href], select:not([disabled]), [tabindex]:not([tabindex='-1'])";

/**
 * props: label (button text), title, icon, testid (of the button), panelTestid, panelLabel,
 * disabled, className; children: the panel's content, or a function (close) => content.
 */
export function Popover({ label, title, icon, testid, panelTestid, panelLabel, disabled, className = "", children }) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef(null);
  const panelRef = useRef(null);
  const close = (refocus = true) => {
    setOpen(false);
    if (refocus && buttonRef.current) buttonRef.current.focus();
  };
  useEffect(() => {
    if (!open) return undefined;
    const first = panelRef.current && panelRef.current.querySelector(FOCUSABLE);
    if (first) first.focus();
    const onDown = (e) => {
      if (panelRef.current && !panelRef.current.contains(e.target) && !buttonRef.current.contains(e.target)) close(false);
    };
    const onKey = (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        close();
      }
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  return html`<div class=${`popover-wrap ${className}`}>
    <button ref=${buttonRef} class="btn btn-ghost" data-testid=${testid} disabled=${disabled}
      aria-haspopup="dialog" aria-expanded=${open ? "true" : "false"} title=${title}
      onClick=${() => setOpen(!open)}>
      ${icon}<span class="btn-text">${label}</span>
    </button>
    ${open
      ? html`<div class="popover" role="dialog" aria-label=${panelLabel || label} data-testid=${panelTestid} ref=${panelRef}>
          ${typeof children === "function" ? children(close) : children}
        </div>`
      : null}
  </div>`;
}

/** A modal <dialog>: open while rendered; Escape, the × button or `onClose` close it. */
export function Modal({ title, testid, onClose, wide = false, children }) {
  const ref = useRef(null);
  const opener = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    opener.current = document.activeElement;
    if (dialog && !dialog.open) dialog.showModal();
    const onCancel = (e) => {
      e.preventDefault();
      onClose();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      const back = opener.current;
      if (back && back.isConnected && typeof back.focus === "function") back.focus();
    };
  }, []);
  return html`<dialog ref=${ref} class=${`modal ${wide ? "modal-wide" : ""}`} data-testid=${testid} aria-label=${title}
    onClick=${(e) => e.target === ref.current && onClose()}>
    <div class="modal-body">
      <div class="modal-head">
        <h2 class="modal-title">${title}</h2>
        <button class="btn-icon" data-testid="close-dialog" onClick=${onClose} aria-label=${t("dialog.close")}
          title=${t("dialog.close")}><${CloseIcon} /></button>
      </div>
      ${children}
    </div>
  </dialog>`;
}
