// REST client for /api. Every failure becomes an ApiError carrying the server's ErrorResponse
// ({message, code, params, layer, detail}) so the UI can show the message where it belongs, in the
// learner's language (problems.js).
import { problemText } from "./problems.js";

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.layer = body && Number.isInteger(body.layer) ? body.layer : null;
    this.detail = (body && body.detail) || [];
    /** @type {import("./problems.js").Problem} the code, params and English message */
    this.problem = { code: body && body.code, params: body && body.params, message: this.message };
    // `message` is read when shown: the text in the language chosen then.
    Object.defineProperty(this, "message", { get: () => problemText(this.problem), configurable: true });
  }
}

/** @typedef {import("../types/wire").SessionView} SessionView */
/** @typedef {import("../types/wire").Catalog} Catalog */
/** @typedef {import("../types/wire").CreateSessionResponse} CreateSessionResponse */
/** @typedef {import("../types/wire").CommandResponse} CommandResponse */

/**
 * @typedef {object} RequestOptions
 * @property {unknown} [body] sent as JSON
 * @property {Blob | ArrayBuffer} [raw] sent as it is, with `contentType`
 * @property {string} [contentType]
 * @property {string | null} [token] the owner token, for changes
 * @property {AbortSignal} [signal]
 * @property {"json" | "blob"} [as] "blob" for downloads: the answer's bytes and its file name
 */

/**
 * One request. `body` is sent as JSON, `raw` (a Blob/File/ArrayBuffer) as it is with `contentType`.
 * `as`: "json" (default) or "blob" (downloads: the answer's bytes and its file name).
 * @param {string} method
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function request(method, path, { body, raw, contentType, token, signal, as = "json" } = {}) {
  const headers = { Accept: as === "json" ? "application/json" : "*/*" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (raw !== undefined) headers["Content-Type"] = contentType || "application/octet-stream";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, { message: "the server cannot be reached", code: "client.unreachable" });
  }
  if (response.ok && as === "blob") {
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = disposition.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
    return { blob: await response.blob(), filename: match ? decodeURIComponent(match[1]) : null };
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    if (response.status === 413 && !(data && data.message)) {
      data = { message: "the file is too large", code: "client.tooLarge" }; // a proxy's answer, not ours
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

const enc = encodeURIComponent;
const session = (id) => `/api/sessions/${enc(id)}`;

export const api = {
  /** @returns {Promise<Catalog>} */
  catalog: () => request("GET", "/api/catalog"),
  /** @returns {Promise<CreateSessionResponse>} */
  createSession: (body = {}) => request("POST", "/api/sessions", { body }),
  /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<SessionView>} */
  getSession: (id, opts) => request("GET", session(id), opts),
  /**
   * limit: how many image/sequence/table samples per split (2-D sets always send every point).
   * @param {string} id
   * @param {{limit?: number, signal?: AbortSignal}} [options]
   */
  getData: (id, { limit, signal } = {}) =>
    request("GET", `${session(id)}/data${limit ? `?limit=${limit}` : ""}`, { signal }),
  /** The derived inputs of 2-D data over the session's grid. @returns {Promise<import("../types/wire").FeatureMaps>} */
  features: (id, opts) => request("GET", `${session(id)}/features`, opts),
  patchSession: (id, token, patch) => request("PATCH", session(id), { body: patch, token }),
  /** @returns {Promise<CommandResponse>} */
  command: (id, token, action, unit = "batch") =>
    request("POST", `${session(id)}/commands`, { body: { action, unit }, token }),
  /** Anyone holding the link may fork: 201 {id, owner_token, share_url}. */
  fork: (id) => request("POST", `${session(id)}/fork`),
  /** what: "spec" | "weights" | "pytorch" → {blob, filename}. */
  download: (id, what) => request("GET", `${session(id)}/${what}`, { as: "blob" }),
  uploadCsv: (id, token, file, labelColumn) =>
    request("POST", `${session(id)}/uploads/csv?label_column=${enc(labelColumn)}&filename=${enc(file.name)}`, {
      raw: file, contentType: "text/csv", token,
    }),
  uploadImages: (id, token, file, side, color) =>
    request("POST", `${session(id)}/uploads/images?side=${side}&color=${enc(color)}&filename=${enc(file.name)}`, {
      raw: file, contentType: "application/zip", token,
    }),
  /** @returns {Promise<import("../types/wire").LessonSummary[]>} */
  lessons: () => request("GET", "/api/lessons"),
  /** @param {string} id @returns {Promise<import("../types/wire").Lesson>} */
  lesson: (id) => request("GET", `/api/lessons/${enc(id)}`),
  /** One parameter's values and frozen mask: @returns {Promise<import("../types/wire").ParamState>} */
  params: (id, layer, param) => request("GET", `${session(id)}/params?layer=${layer}&param=${enc(param)}`),
  /** @param {import("../types/wire").ParamEdit} edit @returns {Promise<import("../types/wire").ParamState>} */
  editParams: (id, token, edit) => request("PATCH", `${session(id)}/params`, { body: edit, token }),
  /** query: {axes, x, y, span, size, seed} (unset ones left out) @returns {Promise<import("../types/wire").LandscapeResponse>} */
  landscape: (id, query, opts) =>
    request("GET", `${session(id)}/landscape?${new URLSearchParams(query).toString()}`, opts),
  augmentPreview: (id, index, count, opts) =>
    request("GET", `${session(id)}/augment-preview?index=${index}&count=${count}`, opts),
};
