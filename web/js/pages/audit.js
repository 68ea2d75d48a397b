// SPDX-License-Identifier: Apache-2.0
// The audit trail (R7): who did what to which record, never the values;
// filtered by time and action; the hash chain verified on request.
import { api, list } from '../api.js';
import { h, field, table, when } from '../dom.js';

export async function render(main) {
	const day = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
	const [sinceField, since] = field('Since (date)', { type: 'date',
	    value: day });
	const [actionField, action] = field('Action contains', {
	    placeholder: 'subject.erase' });
	const out = h('div', { 'aria-live': 'polite' });
	const verifyOut = h('p', { role: 'status' });
	const verify = h('button', { type: 'button', class: 'secondary' },
	    'Verify the chain');
	verify.addEventListener('click', async () => {
		verifyOut.textContent = 'Checking…';
		try {
			const v = await api('GET', '/v1/audit/verify');
			verifyOut.className = v.intact ? 'ok' : 'bad';
			verifyOut.textContent = v.intact ? 'The chain is intact: ' +
			    v.entries + ' entries checked.' : 'The chain is ' +
			    'broken at entry ' + v.first_bad + ': ' + v.why + '.';
		} catch (e) {
			verifyOut.className = 'bad';
			verifyOut.textContent = e.message;
		}
	});
	async function show() {
		const q = new URLSearchParams();
		if (since.value)
			q.set('since', since.value + 'T00:00:00Z');
		const rows = (await list('/v1/audit?' + q, 1000))
		    .filter((e) => e.action.includes(action.value.trim()));
		out.replaceChildren(table('Audit entries, oldest first (at most ' +
		    '1000)', [
			{ label: '#', value: (e) => e.seq },
			{ label: 'Time', value: (e) => when(e.time) },
			{ label: 'Actor', value: (e) => e.actor },
			{ label: 'Action', value: (e) => e.action },
			{ label: 'Object', value: (e) => e.object_type + ' ' +
			    e.object_id },
			{ label: 'Fields', value: (e) => e.fields }], rows,
		    'No entries.'));
	}
	const form = h('form', { class: 'card inline' }, sinceField,
	    actionField, h('button', { type: 'submit' }, 'Show'));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		show().catch((e) => out.replaceChildren(h('p', { class: 'error' },
		    e.message)));
	});
	main.append(h('h1', {}, 'Audit trail'),
	    h('div', { class: 'actions' }, verify), verifyOut, form, out);
	await show();
}
