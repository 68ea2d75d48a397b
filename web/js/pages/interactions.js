// SPDX-License-Identifier: Apache-2.0
// Interactions (R1.3): a supervisor finds them by a customer's
// identifier or an agent, an agent sees their own (R3.3); the detail
// shows the step trail, data items and content, which plays only with
// the permission, each play recorded in the audit trail.
import { api, list, searchList } from '../api.js';
import { h, field, table, props, when, bytes } from '../dom.js';

const KINDS = [['phone', 'Customer phone'], ['email', 'Customer email'],
    ['chat', 'Chat handle'], ['name', 'Customer name']];

function rows(items) {
	return table('Interactions, oldest first', [
	    { label: 'Interaction', value: (i) => h('a', {
		href: '#/interactions/' + i.interaction }, i.interaction) },
	    { label: 'Media', value: (i) => i.media },
	    { label: 'Started', value: (i) => when(i.started) },
	    { label: 'Outcome', value: (i) => i.outcome },
	    { label: 'Agent', value: (i) => i.agent || '' }], items,
	    'No interactions.');
}

async function find(main, ctx) {
	const out = h('div', { 'aria-live': 'polite' });
	main.append(h('h1', {}, 'Interactions'));
	if (!ctx.may('interactions.read')) {
		main.append(h('p', {}, 'The sessions you handled.'), out);
		out.append(rows(await list('/v1/interactions?agent=' +
		    ctx.session.user, 500)));
		return;
	}
	const [kindField, kind] = field('Search by', { options: KINDS,
	    value: 'phone' });
	const [valueField, value] = field('Value', { required: true,
	    autocomplete: 'off' });
	const [sinceField, since] = field('Since (date)', { type: 'date' });
	const form = h('form', { class: 'card inline', role: 'search' },
	    kindField, valueField, sinceField,
	    h('button', { type: 'submit' }, 'Find'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const q = { [kind.value]: value.value };
		if (since.value)
			q.since = since.value + 'T00:00:00Z';
		try {
			out.replaceChildren(rows(await searchList(
			    '/v1/interactions/search', q, 500)));
		} catch (e) {
			out.replaceChildren(h('p', { class: 'error' }, e.message));
		}
	});
	main.append(form, out);
	value.focus();
}

/* A content item: audio plays, text shows; fetched on request only. */
function contentItem(c, ctx) {
	const slot = h('div', {});
	const b = h('button', { type: 'button', class: 'secondary' },
	    c.kind === 'recording' || c.kind === 'voicemail' ? 'Play' : 'Show');
	b.addEventListener('click', async () => {
		try {
			const blob = await api('GET', '/v1/content/' + c.content,
			    undefined, { blob: true });
			if (b.textContent === 'Play') {
				const audio = h('audio', { controls: true,
				    src: URL.createObjectURL(blob),
				    'aria-label': c.kind + ' ' + c.content });
				slot.replaceChildren(audio);
				audio.play().catch(() => {});
			} else {
				slot.replaceChildren(h('pre', {}, await blob.text()));
			}
		} catch (e) {
			slot.replaceChildren(h('p', { class: 'error' }, e.message));
		}
	});
	return h('div', {}, ctx.may('content.read') ||
	    ctx.may('interactions.own') ? b : h('span', { class: 'muted' },
	    'Your profile may not open content.'), slot);
}

/* What was masked in an item: kinds and times, never digits (issue 29). */
function masking(c) {
	const m = c.masking;
	if (!m)
		return '';
	if (m.state === 'unchecked')
		return 'not checked (' + m.reason + ')';
	if (m.state === 'clean')
		return 'no digits found';
	const secs = (ms) => (ms / 1000).toFixed(2) + ' s';
	const kept = c.original_kept ? '; original kept' : '';
	if (m.spans === undefined)
		return m.redacted + ' values redacted' + kept;
	return m.spans.map((s) => (s.kind === 'dtmf' ? 'DTMF' : 'marked') +
	    ' ' + secs(s.start_ms) + '–' + secs(s.end_ms)).join(', ') +
	    (m.more_spans ? ' and ' + m.more_spans + ' more' : '') + kept;
}

async function detail(main, ctx, id) {
	const ia = await api('GET', '/v1/interactions/' + id);
	main.append(h('p', {}, h('a', { href: '#/interactions' }, '← Back')),
	    h('h1', {}, 'Interaction ' + id),
	    h('div', { class: 'card' }, props([
		['Media', ia.media], ['Source', ia.source],
		['Started', when(ia.started)], ['Answered', when(ia.answered)],
		['Ended', when(ia.ended)], ['Outcome', ia.outcome],
		['Agent', ia.agent],
		['Person', ctx.may('subjects.read') ? h('a', {
		    href: '#/people/' + ia.subject }, ia.subject) :
		    ia.subject]])),
	    h('h2', {}, 'Trail'),
	    table('The steps of the session', [
		{ label: '#', value: (s) => s.seq },
		{ label: 'Time', value: (s) => when(s.time) },
		{ label: 'Step', value: (s) => s.step.replace('_', ' ') }],
		ia.trail),
	    h('h2', {}, 'Fields'),
	    table('Recorded fields', [
		{ label: 'Field', value: (f) => f[0] },
		{ label: 'Value', value: (f) => f[1] }],
		Object.entries(ia.fields)),
	    h('h2', {}, 'Data items'),
	    table('Data items from IVR and workflows', [
		{ label: 'Name', value: (i) => i.name },
		{ label: 'Value', value: (i) => i.value },
		{ label: 'Protected', value: (i) => i.protected ? 'yes' : 'no' }],
		ia.items, 'No data items.'),
	    h('h2', {}, 'Content'),
	    table('Recordings, transcripts and messages', [
		{ label: 'Kind', value: (c) => c.kind.replace('_', ' ') },
		{ label: 'Size', value: (c) => bytes(c.size) },
		{ label: 'Stored', value: (c) => when(c.created) },
		{ label: 'Masked', value: masking },
		{ label: 'Open', value: (c) => contentItem(c, ctx) }],
		ia.content, 'No content.'));
}

export async function render(main, ctx, params) {
	if (params.length > 0 && /^\d+$/.test(params[0]))
		return detail(main, ctx, params[0]);
	return find(main, ctx);
}
