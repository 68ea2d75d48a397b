// SPDX-License-Identifier: Apache-2.0
// Outbound campaigns (R1.6): lists, calling-list entries, results, the
// do-not-call list.
import { api, list, token } from '../api.js';
import { h, field, table, when } from '../dom.js';

function createForm(ctx) {
	const [nameField, name] = field('Name', { required: true });
	const [stateField, state] = field('State', { options: [['future',
	    'future'], ['ongoing', 'ongoing'], ['completed', 'completed']],
	    value: 'future' });
	const form = h('form', { class: 'card inline' }, nameField, stateField,
	    h('button', { type: 'submit' }, 'Create campaign'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			const c = await api('POST', '/v1/campaigns',
			    { name: name.value, state: state.value });
			ctx.go('campaigns/' + c.campaign);
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

function dncForm(ctx) {
	const [numField, num] = field('Phone number', { required: true });
	const form = h('form', { class: 'card inline' }, h('h2', {},
	    'Do-not-call list'), numField, h('button', { type: 'submit' },
	    'Add to do-not-call'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			await api('POST', '/v1/dnc', { number: num.value });
			ctx.say('The number is on the do-not-call list.');
			num.value = '';
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

function entryForm(id, ctx) {
	const [nameField, name] = field('Name', { required: true });
	const [numField, num] = field('Number', { required: true });
	const form = h('form', { class: 'card inline' }, h('h2', {},
	    'Add to the calling list'), nameField, numField,
	    h('button', { type: 'submit' }, 'Add'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			await api('POST', '/v1/campaigns/' + id + '/entries',
			    { name: name.value, number: num.value });
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

/* The last upload's answer per campaign, shown again after the refresh. */
const lastImport = new Map();

function importResult(doc) {
	return [h('p', { class: 'ok' }, doc.imported + ' imported, ' + doc.dnc +
	    ' on the do-not-call list, ' + doc.duplicates + ' already listed, ' +
	    doc.rejected + ' rejected (of ' + doc.read + ' lines).'),
	    table('Rejected lines', [
		{ label: 'Line', value: (e) => e.line },
		{ label: 'Why', value: (e) => e.why }], doc.errors,
		'No line was rejected.')];
}

/*
 * Upload a calling list: XMLHttpRequest, for its upload progress (fetch
 * has none); the answer names each rejected line.
 */
function importForm(id, ctx) {
	const file = h('input', { type: 'file', id: 'csv', accept: '.csv,text/csv',
	    required: true });
	const bar = h('progress', { max: 100, value: 0, hidden: true,
	    'aria-label': 'Upload' });
	const out = h('div', { 'aria-live': 'polite' });
	if (lastImport.has(id)) {
		out.append(...importResult(lastImport.get(id)));
		lastImport.delete(id);
	}
	const form = h('form', { class: 'card' },
	    h('h2', {}, 'Load a calling list (CSV)'),
	    h('p', { class: 'muted' }, 'A header row naming name and number, ' +
		'up to 10 more columns; numbers on the do-not-call list are ' +
		'skipped.'),
	    h('div', { class: 'field' }, h('label', { for: 'csv' }, 'CSV file'),
		file), bar, ' ', h('button', { type: 'submit' }, 'Upload'), out);
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!file.files.length)
			return;
		const xhr = new XMLHttpRequest();
		xhr.open('POST', '/v1/campaigns/' + id + '/import');
		xhr.setRequestHeader('Authorization', 'Bearer ' + token());
		xhr.setRequestHeader('Content-Type', 'text/csv');
		bar.hidden = false;
		xhr.upload.addEventListener('progress', (e) => {
			if (e.lengthComputable)
				bar.value = Math.round(100 * e.loaded / e.total);
		});
		xhr.addEventListener('load', () => {
			bar.value = 100;
			let doc = {};
			try {
				doc = JSON.parse(xhr.responseText);
			} catch (e) { /* not JSON */ }
			if (xhr.status !== 200) {
				out.replaceChildren(h('p', { class: 'error' },
				    doc.error ? doc.error.message : xhr.statusText));
				return;
			}
			/* The list has grown: show it, with this answer. */
			lastImport.set(id, doc);
			ctx.refresh();
		});
		xhr.addEventListener('error', () => ctx.say('The upload failed.',
		    true));
		xhr.send(file.files[0]);
	});
	return form;
}

async function detail(main, ctx, id) {
	const c = await api('GET', '/v1/campaigns/' + id);
	main.append(h('p', {}, h('a', { href: '#/campaigns' }, '← Campaigns')),
	    h('h1', {}, 'Campaign ' + id),
	    h('h2', {}, 'Calling list (' + c.entries.length + ')'),
	    table('People to call', [
		{ label: 'Person', value: (e) => e.subject },
		{ label: 'Added', value: (e) => when(e.added) }], c.entries),
	    h('h2', {}, 'Results (' + c.results.length + ')'),
	    table('Outcomes of calls', [
		{ label: 'Person', value: (e) => e.subject },
		{ label: 'Time', value: (e) => when(e.time) },
		{ label: 'Outcome', value: (e) => e.outcome }], c.results));
	if (ctx.may('campaigns.write'))
		main.append(entryForm(id, ctx), importForm(id, ctx));
}

export async function render(main, ctx, params) {
	if (params.length > 0 && /^\d+$/.test(params[0]))
		return detail(main, ctx, params[0]);
	const rows = await list('/v1/campaigns', 500);
	main.append(h('h1', {}, 'Campaigns'), table('Outbound campaigns', [
	    { label: 'Campaign', value: (c) => h('a', { href: '#/campaigns/' +
		c.campaign }, c.name) },
	    { label: 'State', value: (c) => c.state },
	    { label: 'Entries', value: (c) => c.entries },
	    { label: 'Results', value: (c) => c.results },
	    { label: 'Created', value: (c) => when(c.created) }], rows));
	if (ctx.may('campaigns.write'))
		main.append(createForm(ctx), dncForm(ctx));
}
