// SPDX-License-Identifier: Apache-2.0
// DOM helpers: every value goes in as text (never as HTML), so nothing
// the vault returns can run as script.

/* An element with attributes, listeners (onclick: fn) and children. */
export function h(tag, props, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(props || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			el.addEventListener(k.slice(2), v);
		else if (k === 'class')
			el.className = v;
		else
			el.setAttribute(k, v === true ? '' : String(v));
	}
	for (const c of children.flat()) {
		if (c === null || c === undefined || c === false)
			continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

export function clear(el) {
	while (el.firstChild)
		el.firstChild.remove();
	return el;
}

/* A table: columns [{label, value(row) -> node or text}], rows. */
export function table(caption, columns, rows, empty = 'Nothing here.') {
	if (rows.length === 0)
		return h('p', { class: 'muted' }, empty);
	return h('div', { class: 'table-wrap' },
	    h('table', {},
		h('caption', { class: 'muted' }, caption),
		h('thead', {}, h('tr', {},
		    columns.map((c) => h('th', { scope: 'col' }, c.label)))),
		h('tbody', {}, rows.map((r) => h('tr', {},
		    columns.map((c) => h('td', {}, c.value(r))))))));
}

/* A labelled input; returns [wrapper, input]. */
let uid = 0;
export function field(label, attrs = {}) {
	const id = 'f' + (++uid);
	const input = attrs.options ?
	    h('select', { id, name: attrs.name, required: attrs.required },
		attrs.options.map(([v, t]) => h('option', { value: v,
		    selected: v === attrs.value }, t))) :
	    h('input', Object.assign({ id, type: 'text' }, attrs));
	return [h('div', { class: 'field' }, h('label', { for: id }, label),
	    input), input];
}

/* A definition list of [term, value] pairs. */
export function props(pairs) {
	return h('dl', { class: 'props' }, pairs.flatMap(([k, v]) =>
	    [h('dt', {}, k), h('dd', {}, v === null || v === undefined ||
		v === '' ? '—' : v)]));
}

export function when(iso) {
	return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '—';
}

export function bytes(n) {
	const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let i = 0;
	while (n >= 1024 && i < u.length - 1) {
		n /= 1024;
		i++;
	}
	return (i ? n.toFixed(1) : n) + ' ' + u[i];
}

/* Offer a Blob as a file download. */
export function download(blob, name) {
	const url = URL.createObjectURL(blob);
	const a = h('a', { href: url, download: name });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 60000);
}
