// SPDX-License-Identifier: Apache-2.0
// Outbound campaigns (R1.6): lists, calling-list entries, results, the
// do-not-call list.
import { api, list } from '../api.js';
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
		main.append(entryForm(id, ctx));
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
