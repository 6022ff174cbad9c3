// The JSON API, with the session token from the page's URL on every call.

const token = new URLSearchParams(window.location.search).get("token") || "";

export class ApiError extends Error {
  constructor(status, error) {
    super((error && error.message) || `request failed (${status})`);
    this.status = status;
    this.error = error || {};
  }
}

async function call(method, url, body, raw = false) {
  const options = { method, headers: { "X-Standoff-Token": token } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  if (!response.ok) {
    let error = null;
    try { error = (await response.json()).error; } catch (e) { error = null; }
    throw new ApiError(response.status, error);
  }
  return raw ? response : response.json();
}

const enc = (path) => path.split("/").map(encodeURIComponent).join("/");

export const api = {
  models: () => call("GET", "/api/models"),
  read: (path) => call("GET", `/api/models/${enc(path)}`),
  save: (path, text) => call("PUT", `/api/models/${enc(path)}`, { text }),
  validate: (text, path) => call("POST", "/api/validate", { text, path }),
  startJob: (text, path, task = "analysis") => call("POST", "/api/jobs", { text, path, task }),
  poll: (id) => call("GET", `/api/jobs/${encodeURIComponent(id)}`),
  cancel: (id) => call("DELETE", `/api/jobs/${encodeURIComponent(id)}`),
  explain: (text, path, state) => call("POST", "/api/explain", { text, path, state }),
  form: (text, path) => call("POST", "/api/form", { text, path }),
  applyForm: (text, path, change) => call("POST", "/api/form/apply", { text, path, change }),
  evidence: (text, path) => call("POST", "/api/evidence", { text, path }),
  bargaining: (text, path) => call("POST", "/api/bargaining", { text, path }),
  bargainingRun: (text, path, model, rounds, settings) => call("POST", "/api/bargaining/run", { text, path, model, rounds, settings }),
  dilemmas: (text, path, reading) => call("POST", "/api/dilemmas", { text, path, reading }),
  hypergame: (text, path) => call("POST", "/api/hypergame", { text, path }),
  levels: (text, path) => call("POST", "/api/levels", { text, path }),
  report: (text, path) => call("POST", "/api/report", { text, path }, true),
};
