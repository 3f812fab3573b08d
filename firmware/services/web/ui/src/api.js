// The JSON API client (docs/api.md). The session cookie is HttpOnly and rides along by itself;
// the CSRF token is kept in memory only and sent on every state-changing request.

let csrfToken = null;
let unauthorizedHandler = () => {};

export class ApiError extends Error {
  constructor(status, message, body, retryAfter) {
    super(message);
    this.status = status;
    this.body = body;
    this.errors = Array.isArray(body && body.errors) ? body.errors : [];
    this.retryAfter = retryAfter;
  }
}

export function setCsrf(token) {
  csrfToken = token || null;
}

export const csrf = () => csrfToken;  // for a request the API client cannot make (an upload with progress)

export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const reply = await fetch('/api/v1/' + path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await reply.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = { error: text };
    }
  }
  if (reply.ok) return data;
  const retryAfter = Number(reply.headers.get('Retry-After')) || null;
  const message = (data && (data.error || (data.errors && data.errors.join('; ')))) ||
    `${method} /api/v1/${path} answered ${reply.status}`;
  const error = new ApiError(reply.status, message, data, retryAfter);
  // A login attempt's 401 is a wrong password, not an ended session.
  if (reply.status === 401 && path !== 'session') unauthorizedHandler(error);
  return Promise.reject(error);
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
