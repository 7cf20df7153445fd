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
export const DownloadIcon = () => svg(html`<path d="M12 4v11M7 10l5 5 5-5" /><path d="M5 19h14" />`, 16);
export const UploadIcon = () => svg(html`<path d="M12 16V5M7 10l5-5 5 5" /><path d="M5 19h14" />`, 16);
export const ForkIcon = ({ size = 16 } = {}) =>
  svg(html`<circle cx="6" cy="5" r="2" /><circle cx="18" cy="5" r="2" /><circle cx="12" cy="19" r="2" /><path d="M6 7v2a3 3 0 0 0 3 3h6a3 3 0 0 0 3-3V7M12 12v5" />`, size);
export const ListIcon = () => svg(html`<path d="M9 6h11M9 12h11M9 18h11" /><circle cx="4.5" cy="6" r="1" /><circle cx="4.5" cy="12" r="1" /><circle cx="4.5" cy="18" r="1" />`, 16);
export const CopyIcon = () => svg(html`<rect x="9" y="9" width="11" height="11" rx="2" /><path d="M5 15V5a2 2 0 0 1 2-2h8" />`, 16);
export const CheckIcon = () => svg(html`<path d="M5 12.5l4.5 4.5L19 7.5" />`, 16);
export const ShuffleIcon = () => svg(html`<path d="M16 3h5v5M4 20L21 3M21 16v5h-5M15 15l6 6M4 4l5 5" />`, 16);
export const PencilIcon = () => svg(html`<path d="M4 20h4L19 9l-4-4L4 16z" /><path d="M13.5 6.5l4 4" />`, 16);
export const LogoIcon = () => html`<svg class="logo" width="34" height="34" viewBox="0 0 34 34" aria-hidden="true">
  <path d="M8 17 L26 8 M8 17 L26 26" stroke="#9aa5b1" stroke-width="2" />
  <circle cx="8" cy="17" r="6" fill="#f59322" />
  <circle cx="26" cy="8" r="6" fill="#0877bd" />
  <circle cx="26" cy="26" r="6" fill="#0877bd" />
</svg>`;
