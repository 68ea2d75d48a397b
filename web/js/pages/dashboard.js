// SPDX-License-Identifier: Apache-2.0
// What the vault holds, how old it is against each retention policy,
// the last retention run and backup, open requests, the audit chain.
import { api } from '../api.js';
import { h, table, when, bytes } from '../dom.js';

function tile(label, value, extra) {
	return h('div', { class: 'card tile' },
	    h('div', { class: 'value' }, value),
	    h('div', { class: 'label' }, label), extra || null);
}

/* The oldest record's age as a bar, full at the policy's limit. */
function ageBar(c) {
	if (c.oldest_days === null)
		return h('span', { class: 'muted' }, 'empty');
	const limit = c.keep_days || 0;
	const pct = limit ? Math.min(100, Math.round(10 * c.oldest_days /
	    limit) * 10) : 0;
	const over = limit && c.oldest_days > limit;
	return h('div', {},
	    h('div', { class: 'bar' + (over ? ' over' : ''), role: 'img',
		'aria-label': c.oldest_days + ' days' + (limit ? ' of ' +
		limit : '') }, h('span', { class: 'w' + pct })),
	    h('span', { class: over ? 'bad' : 'muted' }, c.oldest_days +
		' days' + (limit ? ' of ' + limit + (over ? ' (over: ' +
		'retention has not run)' : '') : '')));
}

function lastRun(ev, none) {
	return ev ? when(ev.time) + ' — ' + ev.summary : none;
}

export async function render(main, ctx) {
	const d = await api('GET', '/v1/dashboard');
	const verify = h('button', { type: 'button', class: 'secondary' },
	    'Verify the audit chain');
	const result = h('span', { role: 'status' });
	verify.addEventListener('click', async () => {
		result.textContent = 'Checking…';
		try {
			const v = await api('GET', '/v1/audit/verify');
			result.className = v.intact ? 'ok' : 'bad';
			result.textContent = v.intact ? 'Intact: ' + v.entries +
			    ' entries checked.' : 'Broken at entry ' + v.first_bad +
			    ': ' + v.why;
		} catch (e) {
			result.className = 'bad';
			result.textContent = e.message;
		}
	});
	main.append(h('h1', {}, 'Dashboard'),
	    h('div', { class: 'tiles' },
		tile('people (data subjects)', d.subjects),
		tile('content stored', bytes(d.content_bytes)),
		tile('open erasure requests', d.pending_requests,
		    ctx.may('subjects.erase') && d.pending_requests > 0 ?
		    h('a', { href: '#/requests' }, 'Decide them') : null)),
	    h('h2', {}, 'Records and their retention'),
	    table('Records per category, the oldest against its policy', [
		{ label: 'Category', value: (c) => c.category.replace('_',
		    ' ') },
		{ label: 'Records', value: (c) => c.records },
		{ label: 'Policy', value: (c) => c.policy },
		{ label: 'Oldest record', value: (c) => when(c.oldest) },
		{ label: 'Age', value: ageBar },
	    ], d.categories),
	    h('h2', {}, 'Upkeep'),
	    h('div', { class: 'card' }, h('dl', { class: 'props' },
		h('dt', {}, 'Last retention run'),
		h('dd', {}, lastRun(d.last_retention_run, 'never')),
		h('dt', {}, 'Last backup'),
		h('dd', {}, lastRun(d.last_backup, 'never')),
		h('dt', {}, 'Audit chain'),
		h('dd', {}, ctx.may('audit.read') ? [verify, ' ', result] :
		    'see the auditor'))));
}
