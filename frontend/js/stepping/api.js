// The REST calls of phase stepping and the unit inspector (docs/protocol.md, "Inspecting a sample
// and stepping one phase at a time").
import { request } from "../api.js";

const enc = encodeURIComponent;
const session = (id) => `/api/sessions/${enc(id)}`;

export const stepApi = {
  /**
   * One phase of a training step; `on` "batch" | "probe" (then `probe` {split, index}).
   * @returns {Promise<import("../../types/wire").CommandResponse>} its answer names the phase carried out
   */
  phase: (id, token, on, probe) =>
    request("POST", `${session(id)}/commands`, {
      body: on === "probe" ? { action: "step", unit: "phase", on, probe } : { action: "step", unit: "phase", on },
      token,
    }),
  /** @returns {Promise<import("../../types/wire").InspectResponse>} */
  inspect: (id, split, index, signal) => request("GET", `${session(id)}/inspect?split=${enc(split)}&index=${index}`, { signal }),
  /** @returns {Promise<import("../../types/wire").ParamState>} */
  param: (id, layer, param, signal) => request("GET", `${session(id)}/params?layer=${layer}&param=${enc(param)}`, { signal }),
  /** @returns {Promise<import("../../types/wire").PreactivationsResponse>} */
  preactivations: (id, split, samples, signal) =>
    request("GET", `${session(id)}/preactivations?split=${enc(split)}&samples=${samples}`, { signal }),
};
