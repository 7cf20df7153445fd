// Globals the frontend sets on purpose (everything else is imported).

interface Window {
  /** Hooks for the browser tests and benchmarks (frontend/js/actions.js exposeTestHooks). */
  __neuroplay?: Record<string, unknown>;
}
