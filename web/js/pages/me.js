// SPDX-License-Identifier: Apache-2.0
// Self service (R3.4, R9): my data, correcting my contact data, my
// contacts, my erasure requests and voicemail by email.
import { api, list } from '../api.js';
import { h, field, table, props, when } from '../dom.js';

const EDITABLE = [['email', 'Email'], ['phone', 'Phone number']];

function rectifyForm(ctx) {
	const [kindField, kind] = field('What', { options: EDITABLE,
	    value: 'email' });
	const [oldField, old] = field('Now', { required: true });
	const [newField, fresh] = field('Correct value', { required: true });
	const form = h('form', { class: 'card inline' },
	    h('h2', {}, 'Correct my contact data'), kindField, oldField,
	    newField, h('button', { type: 'submit' }, 'Correct'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			const r = await api('POST', '/v1/me/rectify', {
			    kind: kind.value, old: old.value, new: fresh.value });
			ctx.say('Your correction ' + r.correction + ' is filed; ' +
			    'the data-protection team confirms it.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

function requestForm(ctx) {
	const [groundField, ground] = field('Why', { options: [
	    ['consent_withdrawn', 'I withdraw my consent'],
	    ['no_longer_necessary', 'My data is no longer needed'],
	    ['objection', 'I object to the processing']],
	    value: 'consent_withdrawn' });
	const form = h('form', { class: 'card inline' },
	    h('h2', {}, 'Ask for my data to be erased'), groundField,
	    h('button', { type: 'submit' }, 'Send the request'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			const r = await api('POST', '/v1/me/requests',
			    { reason: ground.value });
			ctx.say('Your request ' + r.request + ' is filed; the ' +
			    'data-protection team decides it.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

function voicemailForm(vm, ctx) {
	const mail = h('input', { type: 'checkbox', id: 'vm-mail',
	    checked: vm.mail });
	const del = h('input', { type: 'checkbox', id: 'vm-del',
	    checked: vm.delete_after_send });
	const form = h('form', { class: 'card' },
	    h('h2', {}, 'Voicemail by email'),
	    h('div', { class: 'field check' }, mail, ' ', h('label', { for: 'vm-mail' },
		'Send me each new voicemail message by email')),
	    h('div', { class: 'field check' }, del, ' ', h('label', { for: 'vm-del' },
		'Delete the message once it is sent')),
	    h('button', { type: 'submit' }, 'Save'),
	    table('My voicemail messages', [
		{ label: 'Message', value: (m) => m.content },
		{ label: 'Arrived', value: (m) => when(m.queued) },
		{ label: 'State', value: (m) => m.state + (m.last_error ?
		    ' (' + m.last_error + ')' : '') },
		{ label: 'Next try', value: (m) => when(m.next_try) }],
		vm.messages, 'No messages mailed yet.'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			await api('PUT', '/v1/me/voicemail', { mail: mail.checked,
			    delete_after_send: del.checked });
			ctx.say('Saved.');
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

export async function render(main, ctx) {
	const me = await api('GET', '/v1/me');
	const [requests, corrections, contacts, vm] = await Promise.all([
	    list('/v1/me/requests', 100), list('/v1/me/corrections', 100),
	    list('/v1/me/contacts', 500), api('GET', '/v1/me/voicemail')]);
	main.append(h('h1', {}, 'My data'),
	    h('div', { class: 'card' }, props(Object.entries(me)
		.filter(([k]) => !['subject'].includes(k))
		.map(([k, v]) => [k.replace(/_/g, ' '), k === 'created' ?
		    when(v) : typeof v === 'object' && v !== null ?
		    JSON.stringify(v) : v]))),
	    rectifyForm(ctx),
	    table('My corrections', [
		{ label: 'Correction', value: (r) => r.correction },
		{ label: 'Of my', value: (r) => r.kind },
		{ label: 'Filed', value: (r) => when(r.filed) },
		{ label: 'Status', value: (r) => r.status },
		{ label: 'Reason given', value: (r) => r.refusal || '' }],
		corrections, 'No corrections asked for.'),
	    h('h2', {}, 'My contacts'),
	    table('My personal contact list', [
		{ label: 'Contact', value: (c) => c.contact },
		{ label: 'Name', value: (c) => [c.first_name, c.last_name]
		    .filter(Boolean).join(' ') },
		{ label: 'Phone', value: (c) => c.phone || c.mobile || '' }],
		contacts, 'No contacts.'),
	    h('h2', {}, 'My erasure requests'),
	    table('What I asked for', [
		{ label: 'Request', value: (r) => r.request },
		{ label: 'Filed', value: (r) => when(r.filed) },
		{ label: 'Status', value: (r) => r.status },
		{ label: 'Decided', value: (r) => when(r.decided) },
		{ label: 'Reason given', value: (r) => r.refusal || '' }],
		requests, 'No requests.'),
	    requestForm(ctx), voicemailForm(vm, ctx));
}
