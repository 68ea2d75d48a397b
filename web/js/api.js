// SPDX-License-Identifier: Apache-2.0
// The REST API, as the console uses it. The session token lives in
// sessionStorage (gone with the tab) and travels in the Authorization
// header only: there is no cookie a foreign site could make the browser
// send (CSRF), and the CSP allows no script but ours to read it.

const KEY = 'cxvault.token';

export class ApiError extends Error {
	constructor(status, code, message, headers) {
		super(message);
		this.status = status;
		this.code = code;
		this.headers = headers;
	}
}

export function token() {
	return sessionStorage.getItem(KEY);
}

export function setToken(t) {
	if (t)
		sessionStorage.setItem(KEY, t);
	else
		sessionStorage.removeItem(KEY);
}

let onExpired = () => {};
export function whenExpired(fn) {
	onExpired = fn;
}

/* method, path, JSON body; {blob: true} for a binary answer. */
export async function api(method, path, body, opts = {}) {
	const headers = {};
	if (token())
		headers.Authorization = 'Bearer ' + token();
	if (body !== undefined)
		headers['Content-Type'] = 'application/json';
	const res = await fetch(path, { method, headers, cache: 'no-store',
	    body: body === undefined ? undefined : JSON.stringify(body) });
	if (!res.ok) {
		let code = 'error', message = res.statusText;
		try {
			const doc = await res.json();
			code = doc.error.code;
			message = doc.error.message;
		} catch (e) { /* not JSON: keep the status text */ }
		if (res.status === 401 && token() && path !== '/v1/sessions') {
			setToken(null);
			onExpired();
		}
		throw new ApiError(res.status, code, message, res.headers);
	}
	if (opts.blob)
		return res.blob();
	if (res.status === 204)
		return null;
	return res.json();
}

/* The first max items of a list route (its {items, more}). */
export async function list(path, max = 1000) {
	const sep = path.includes('?') ? '&' : '?';
	const doc = await api('GET', path + sep + 'limit=' + max);
	return doc.items;
}

/*
 * The first max items a search route finds for the arguments in body:
 * identifiers travel in the request's body, never in its URL, which
 * proxies and the browser's history keep.
 */
export async function searchList(path, body, max = 1000) {
	const doc = await api('POST', path, { ...body, limit: max });
	return doc.items;
}
