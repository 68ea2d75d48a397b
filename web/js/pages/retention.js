// SPDX-License-Identifier: Apache-2.0
// Retention policies (R6.6): one per category, changed here by an
// administrator (audited; the server reloads), and a run on demand.
import { api } from '../api.js';
import { h, table } from '../dom.js';

function policyForm(category, policy, ctx) {
	const none = policy === 'none';
	const [days, method] = none ? ['', 'none'] : policy.split(' ');
	const id = 'ret-' + category;
	const d = h('input', { id: id + '-days', type: 'number', min: 1,
	    max: 36500, value: days, 'aria-label': category + ': days kept' });
	const m = h('select', { 'aria-label': category + ': then' },
	    [['none', 'keep for ever'], ['delete', 'delete'],
		['backup-and-delete', 'archive, then delete']].map(([v, t]) =>
		h('option', { value: v, selected: v === method }, t)));
	const save = h('button', { type: 'submit', class: 'secondary' }, 'Save');
	const form = h('form', { class: 'inline' }, d, m, save);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const p = m.value === 'none' ? 'none' : d.value + ' ' + m.value;
		try {
			await api('PUT', '/v1/retention', { category, policy: p });
			ctx.say(category.replace('_', ' ') + ': ' + p + '.');
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

export async function render(main, ctx) {
	const doc = await api('GET', '/v1/retention');
	const result = h('div', { 'aria-live': 'polite' });
	const dry = h('button', { type: 'button', class: 'secondary' },
	    'What would go now? (dry run)');
	dry.addEventListener('click', async () => {
		try {
			const rep = await api('POST', '/v1/retention/run',
			    { dry_run: true });
			result.replaceChildren(table('What a run would delete now', [
			    { label: 'Category', value: (r) => r[0] },
			    { label: 'Records', value: (r) => r[1].deleted },
			    { label: 'Files', value: (r) => r[1].files },
			    { label: 'Kept for a hold', value: (r) => r[1].held }],
			    Object.entries(rep.categories)));
		} catch (e) {
			ctx.fail(e);
		}
	});
	main.append(h('h1', {}, 'Retention'),
	    h('p', {}, 'Records older than a category keeps go daily at ' +
		doc.time_utc + ' UTC. Persons under legal hold are kept; ' +
		'content goes with its interaction.'),
	    table('A policy per category', [
		{ label: 'Category', value: (r) => r[0].replace('_', ' ') },
		{ label: 'Policy', value: (r) => policyForm(r[0], r[1], ctx) }],
		Object.entries(doc.policies)),
	    h('div', { class: 'actions' }, dry), result);
}
