// SPDX-License-Identifier: Apache-2.0
// The record of processing activities (GDPR Art. 30, R10.3), generated
// from what the vault holds, to read here or download as HTML.
import { api } from '../api.js';
import { h, table, when, download } from '../dom.js';

export async function render(main, ctx) {
	const r = await api('GET', '/v1/reports/processing');
	const dl = h('button', { type: 'button' }, 'Download as HTML');
	dl.addEventListener('click', async () => {
		try {
			download(await api('GET', '/v1/reports/processing?format=html',
			    undefined, { blob: true }), 'record-of-processing.html');
		} catch (e) {
			ctx.fail(e);
		}
	});
	main.append(h('h1', {}, r.title), h('p', { class: 'muted' },
	    'Generated ' + when(r.generated_at)), h('div', { class: 'actions' },
	    dl), table('Categories of personal data and how they are kept',
	    Object.keys(r.categories[0] || {}).filter((k) => k !== 'store')
		.map((k) => ({ label: k.replace(/_/g, ' '), value: (c) =>
		    typeof c[k] === 'object' && c[k] !== null ?
		    JSON.stringify(c[k]) : String(c[k] ?? '') })),
	    r.categories));
}
