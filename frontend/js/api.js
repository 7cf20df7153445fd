// REST client for /api. Every failure becomes an ApiError carrying the server's ErrorResponse
// ({message, layer, detail}) so the UI can show the message where it belongs.

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.layer = body && Number.isInteger(body.layer) ? body.layer : null;
    this.detail = (body && body.detail) || [];
  }
}

async function request(method, path, { body, token, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, { message: "the server cannot be reached" });
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
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const enc = encodeURIComponent;

export const api = {
  catalog: () => request("GET", "/api/catalog"),
  createSession: (body = {}) => request("POST", "/api/sessions", { body }),
  getSession: (id) => request("GET", `/api/sessions/${enc(id)}`),
  getData: (id, opts) => request("GET", `/api/sessions/${enc(id)}/data`, opts),
  patchSession: (id, token, patch) => request("PATCH", `/api/sessions/${enc(id)}`, { body: patch, token }),
  command: (id, token, action, unit = "batch") =>
    request("POST", `/api/sessions/${enc(id)}/commands`, { body: { action, unit }, token }),
};
