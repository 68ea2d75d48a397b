// SPDX-License-Identifier: Apache-2.0
// The data-protection team's queue of erasure requests (R9.4): approve
// (the person is erased, the receipt joins the request) or reject with
// a reason of GDPR Art. 17(3); and of the corrections end users asked
// for (R9.3), shown with their values (an audited read) to decide.
import { api, list } from '../api.js';
import { h, table, when, field } from '../dom.js';

const REFUSALS = [
	['identity_not_verified', 'Identity not verified'],
	['legal_hold', 'Legal hold'],
	['legal_obligation', 'Legal obligation to keep (17(3)(b))'],
	['legal_claims', 'Legal claims (17(3)(e))'],
	['public_interest', 'Public interest (17(3)(c))'],
	['archiving', 'Archiving, research, statistics (17(3)(d))'],
	['expression', 'Freedom of expression (17(3)(a))'],
];

function decide(r, ctx) {
	const approve = h('button', { type: 'button' }, 'Approve and erase');
	const [refField, refusal] = field('Reason to reject', {
	    options: REFUSALS, value: 'identity_not_verified' });
	const reject = h('button', { type: 'button', class: 'secondary' },
	    'Reject');
	approve.addEventListener('click', async () => {
		try {
			const done = await api('POST', '/v1/requests/' + r.request +
			    '/approve', {});
			ctx.say('Request ' + r.request + ' approved: person ' +
			    done.subject + ' is erased.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	reject.addEventListener('click', async () => {
		try {
			await api('POST', '/v1/requests/' + r.request + '/reject',
			    { reason: refusal.value });
			ctx.say('Request ' + r.request + ' rejected.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	return h('div', { class: 'actions' }, approve, refField, reject);
}

const NOT_CORRECTED = [
	['identity_not_verified', 'Identity not verified'],
	['value_not_verified', 'The new value could not be verified'],
];

/* A pending correction: its values, read when asked (audited). */
function correction(r, ctx) {
	const out = h('div', { class: 'actions' });
	const show = h('button', { type: 'button', class: 'secondary' },
	    'Show the values');
	show.addEventListener('click', async () => {
		try {
			const c = await api('GET', '/v1/corrections/' +
			    r.correction);
			out.replaceChildren(h('span', {}, c.old + ' → ' + c.new),
			    correctionDecision(r, ctx));
		} catch (e) {
			ctx.fail(e);
		}
	});
	out.append(show);
	return out;
}

function correctionDecision(r, ctx) {
	const approve = h('button', { type: 'button' }, 'Confirm');
	const [refField, refusal] = field('Reason to refuse', {
	    options: NOT_CORRECTED, value: 'value_not_verified' });
	const reject = h('button', { type: 'button', class: 'secondary' },
	    'Refuse');
	const act = async (how, body) => {
		try {
			await api('POST', '/v1/corrections/' + r.correction + '/' +
			    how, body);
			ctx.say('Correction ' + r.correction + ' ' + (how ===
			    'approve' ? 'applied everywhere.' : 'refused.'));
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	};
	approve.addEventListener('click', () => act('approve', {}));
	reject.addEventListener('click', () => act('reject',
	    { reason: refusal.value }));
	return h('span', {}, approve, refField, reject);
}

async function corrections(main, ctx) {
	const pending = await list('/v1/corrections?status=pending', 500);
	main.append(h('h2', {}, 'Corrections asked for (' + pending.length +
	    ')'),
	    table('Corrections waiting for a decision, oldest first', [
		{ label: 'Correction', value: (r) => r.correction },
		{ label: 'Person', value: (r) => h('a', { href: '#/people/' +
		    r.subject }, r.subject) },
		{ label: 'Filed', value: (r) => when(r.filed) },
		{ label: 'Of the', value: (r) => r.kind },
		{ label: 'Decision', value: (r) => correction(r, ctx) }],
		pending, 'No correction is waiting.'));
}

export async function render(main, ctx) {
	const pending = await list('/v1/requests?status=pending', 500);
	const decided = (await list('/v1/requests', 1000))
	    .filter((r) => r.status !== 'pending').reverse().slice(0, 50);
	main.append(h('h1', {}, 'Erasure requests'),
	    h('h2', {}, 'Waiting for a decision (' + pending.length + ')'),
	    table('Pending requests, oldest first', [
		{ label: 'Request', value: (r) => r.request },
		{ label: 'Person', value: (r) => h('a', { href: '#/people/' +
		    r.subject }, r.subject) },
		{ label: 'Filed', value: (r) => when(r.filed) },
		{ label: 'Ground', value: (r) => r.reason },
		{ label: 'Decision', value: (r) => decide(r, ctx) }],
		pending, 'No request is waiting.'),
	    h('h2', {}, 'Decided lately'),
	    table('The latest decisions', [
		{ label: 'Request', value: (r) => r.request },
		{ label: 'Person', value: (r) => r.subject },
		{ label: 'Status', value: (r) => r.status },
		{ label: 'Decided', value: (r) => when(r.decided) },
		{ label: 'Reason', value: (r) => r.refusal || '' }],
		decided, 'Nothing decided yet.'));
	if (ctx.may('subjects.write'))
		await corrections(main, ctx);
}
