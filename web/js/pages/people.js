// SPDX-License-Identifier: Apache-2.0
// People (data subjects, R9): find by an identifier, see everything the
// vault holds about a person, export it, put it on hold, erase it with
// its receipt. Identifiers never go in this page's address; the API's
// access log hides them too.
import { api, list, searchList } from '../api.js';
import { h, field, table, props, when, download } from '../dom.js';

const KINDS = [['phone', 'Phone number'], ['email', 'Email address'],
    ['name', 'Name'], ['chat', 'Chat handle'], ['account', 'Account number'],
    ['logon', 'Logon id']];

const GROUNDS = [
	['consent_withdrawn', 'Consent withdrawn (Art. 17(1)(b))'],
	['no_longer_necessary', 'No longer necessary (17(1)(a))'],
	['objection', 'Objection to processing (17(1)(c))'],
	['unlawful_processing', 'Unlawfully processed (17(1)(d))'],
	['legal_obligation', 'Legal obligation to erase (17(1)(e))'],
	['child_consent', "A child's data (17(1)(f))"],
];

function search(main) {
	const [kindField, kind] = field('Search by', { options: KINDS,
	    value: 'phone' });
	const [valueField, value] = field('Value', { required: true,
	    autocomplete: 'off' });
	const results = h('div', { 'aria-live': 'polite' });
	const form = h('form', { class: 'card inline', role: 'search' },
	    kindField, valueField, h('button', { type: 'submit' }, 'Find'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		results.replaceChildren(h('p', { class: 'muted' }, 'Searching…'));
		try {
			const found = await searchList('/v1/subjects/search',
			    { [kind.value]: value.value }, 100);
			results.replaceChildren(found.length === 0 ?
			    h('p', {}, 'Nobody is held with that identifier.') :
			    h('ul', {}, found.map((s) => h('li', {},
				h('a', { href: '#/people/' + s.subject },
				    'Person ' + s.subject)))));
		} catch (e) {
			results.replaceChildren(h('p', { class: 'error' },
			    e.message));
		}
	});
	main.append(h('h1', {}, 'People'),
	    h('p', {}, 'Find a person by any identifier the vault holds ' +
		'(R9.1). Every search is recorded in the audit trail.'), form,
	    results);
	value.focus();
}

function recordLink(r) {
	if (r.store === 'interaction')
		return h('a', { href: '#/interactions/' + r.record }, r.record);
	return String(r.record);
}

function exportButton(id, ctx) {
	const b = h('button', { type: 'button' }, 'Export everything (tar)');
	b.addEventListener('click', async () => {
		b.disabled = true;
		try {
			const blob = await api('POST', '/v1/subjects/' + id +
			    '/export', undefined, { blob: true });
			download(blob, 'person-' + id + '.tar');
			ctx.say('The export is downloaded: person.json and the ' +
			    'content files.');
		} catch (e) {
			ctx.fail(e);
		}
		b.disabled = false;
	});
	return b;
}

function holdButton(id, held, ctx) {
	const b = h('button', { type: 'button', class: 'secondary' },
	    held ? 'Release the legal hold' : 'Put under legal hold');
	b.addEventListener('click', async () => {
		try {
			await api('PUT', '/v1/subjects/' + id + '/hold',
			    { on: !held });
			ctx.say(held ? 'The hold is released.' :
			    'The person is under legal hold: no erasure, no ' +
			    'retention.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	return b;
}

function eraseForm(id, ctx) {
	const [groundField, ground] = field('Ground (GDPR Art. 17)',
	    { options: GROUNDS, value: 'consent_withdrawn' });
	const confirm = h('input', { type: 'checkbox', id: 'erase-confirm',
	    required: true });
	const dnc = h('input', { type: 'checkbox', id: 'erase-dnc' });
	const out = h('div', { 'aria-live': 'polite' });
	const form = h('form', { class: 'card' },
	    h('h2', {}, 'Erase this person'),
	    h('p', {}, 'Every record in every store goes, with the key that ' +
		'sealed them: this cannot be undone.'), groundField,
	    h('div', { class: 'field check' }, dnc, ' ',
		h('label', { for: 'erase-dnc' },
		    'Also put their phone numbers on the do-not-call list')),
	    h('div', { class: 'field check' }, confirm, ' ',
		h('label', { for: 'erase-confirm' },
		    'I confirm the erasure of person ' + id)),
	    h('button', { type: 'submit', class: 'danger' }, 'Erase'), out);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			const receipt = await api('POST', '/v1/subjects/' + id +
			    '/erase', { reason: ground.value, dnc: dnc.checked });
			form.replaceChildren(h('h2', {}, 'Erased'),
			    h('p', { class: 'ok' }, 'Person ' + id + ' is erased. ' +
				'The receipt (kept in the erasure register):'),
			    h('pre', { 'aria-label': 'Erasure receipt' },
				JSON.stringify(receipt, null, 2)));
			ctx.say('Person ' + id + ' is erased.');
		} catch (e) {
			out.replaceChildren(h('p', { class: 'error' }, e.message));
		}
	});
	return form;
}

async function person(main, ctx, id) {
	const p = await api('GET', '/v1/subjects/' + id);
	const records = await list('/v1/subjects/' + id + '/records', 1000);
	const actions = h('div', { class: 'actions' });
	if (ctx.may('subjects.export'))
		actions.append(exportButton(id, ctx));
	if (ctx.may('subjects.erase'))
		actions.append(holdButton(id, p.legal_hold, ctx));
	main.append(h('p', {}, h('a', { href: '#/people' }, '← Find another')),
	    h('h1', {}, 'Person ' + id),
	    h('div', { class: 'card' }, props([
		['Known since', when(p.created)],
		['Legal hold', p.legal_hold ? 'yes' : 'no'],
		['Processing restricted', p.restricted ? 'yes' : 'no']])),
	    h('h2', {}, 'Identifiers'),
	    table('What identifies this person', [
		{ label: 'Kind', value: (i) => i.kind },
		{ label: 'Value', value: (i) => i.value }], p.identifiers),
	    actions,
	    h('h2', {}, 'Records in every store (' + records.length + ')'),
	    table('Every record held about this person', [
		{ label: 'Store', value: (r) => r.store.replace('_', ' ') },
		{ label: 'Record', value: recordLink },
		{ label: 'Time', value: (r) => when(r.time) },
		{ label: 'Media', value: (r) => r.media || '' }], records));
	if (ctx.may('subjects.erase') && !p.legal_hold)
		main.append(eraseForm(id, ctx));
}

export async function render(main, ctx, params) {
	if (params.length > 0 && /^\d+$/.test(params[0]))
		return person(main, ctx, params[0]);
	return search(main);
}
