// Small inline SVG icons (decorative: the buttons that use them carry text or aria-labels).
import { html } from "htm/preact";

const svg = (body, size = 18) => html`<svg
  class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false"
  fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
>${body}</svg>`;

export const PlayIcon = () => svg(html`<path d="M7 4.5v15l12.5-7.5z" fill="currentColor" stroke="none" />`, 26);
export const PauseIcon = () =>
  svg(html`<rect x="6" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none" /><rect x="14" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none" />`, 26);
export const ResetIcon = () => svg(html`<path d="M3 12a9 9 0 1 0 3-6.7" /><path d="M3 3v5h5" />`);
export const StepIcon = () => svg(html`<path d="M5 5v14l9-7z" fill="currentColor" stroke="none" /><path d="M18 5v14" />`);
export const UpIcon = () => svg(html`<path d="M12 19V5M5 12l7-7 7 7" />`, 16);
export const DownIcon = () => svg(html`<path d="M12 5v14M5 12l7 7 7-7" />`, 16);
export const CloseIcon = () => svg(html`<path d="M6 6l12 12M18 6L6 18" />`, 16);
export const PlusIcon = () => svg(html`<path d="M12 5v14M5 12h14" />`, 16);
export const MinusIcon = () => svg(html`<path d="M5 12h14" />`, 16);
export const GripIcon = () =>
  svg(html`<g fill="currentColor" stroke="none"><circle cx="9" cy="6" r="1.6"/><circle cx="15" cy="6" r="1.6"/><circle cx="9" cy="12" r="1.6"/><circle cx="15" cy="12" r="1.6"/><circle cx="9" cy="18" r="1.6"/><circle cx="15" cy="18" r="1.6"/></g>`, 16);
export const ShareIcon = () => svg(html`<path d="M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1" /><path d="M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1" />`, 16);
export const EyeIcon = () => svg(html`<path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z" /><circle cx="12" cy="12" r="3" />`, 16);
export const LogoIcon = () => html`<svg class="logo" width="34" height="34" viewBox="0 0 34 34" aria-hidden="true">
  <path d="M8 17 L26 8 M8 17 L26 26" stroke="#9aa5b1" stroke-width="2" />
  <circle cx="8" cy="17" r="6" fill="#f59322" />
  <circle cx="26" cy="8" r="6" fill="#0877bd" />
  <circle cx="26" cy="26" r="6" fill="#0877bd" />
</svg>`;
