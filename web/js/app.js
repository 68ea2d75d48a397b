// SPDX-License-Identifier: Apache-2.0
// The console's shell: who is logged in, the menu their permissions
// allow, and hash routes (#/people/42) that carry ids only, never a
// person's data.
import { api, setToken, token, whenExpired } from './api.js';
import { h, clear } from './dom.js';
import * as login from './pages/login.js';
import * as dashboard from './pages/dashboard.js';
import * as people from './pages/people.js';
import * as requests from './pages/requests.js';
import * as interactions from './pages/interactions.js';
import * as users from './pages/users.js';
import * as retention from './pages/retention.js';
import * as audit from './pages/audit.js';
import * as report from './pages/report.js';
import * as campaigns from './pages/campaigns.js';
import * as me from './pages/me.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const status = document.getElementById('status');

/* Menu entries: route, label, page, permissions (any of). */
const MENU = [
	['dashboard', 'Dashboard', dashboard, ['audit.read', 'config']],
	['people', 'People', people, ['subjects.read']],
	['requests', 'Requests', requests, ['subjects.erase']],
	['interactions', 'Interactions', interactions,
	    ['interactions.read', 'interactions.own']],
	['campaigns', 'Campaigns', campaigns, ['campaigns.read']],
	['users', 'Users', users, ['users.read', 'accounts']],
	['retention', 'Retention', retention, ['config']],
	['audit', 'Audit', audit, ['audit.read']],
	['report', 'Processing', report, ['audit.read']],
	['me', 'My data', me, ['self']],
];

const ctx = {
	session: null,
	may: (p) => ctx.session !== null &&
	    ctx.session.permissions.includes(p),
	/* Show route; render again if it is the one shown. */
	go: (to) => {
		if (location.hash === '#/' + to)
			route();
		else
			location.hash = '#/' + to;
	},
	say: (msg, error = false) => {
		status.className = 'status' + (error ? ' error' : '');
		status.textContent = msg;
	},
	fail: (e) => ctx.say(e.message || String(e), true),
	refresh: () => route(),
};

function allowed(entry) {
	return entry[3].some(ctx.may);
}

function home() {
	const first = MENU.find(allowed);
	return first ? first[0] : 'me';
}

ctx.home = home;

function drawChrome(current) {
	clear(nav);
	clear(who);
	if (ctx.session === null)
		return;
	for (const entry of MENU.filter(allowed))
		nav.append(h('a', { href: '#/' + entry[0],
		    'aria-current': entry[0] === current ? 'page' : null },
		    entry[1]));
	who.append(h('span', {}, 'Profile: ' + ctx.session.profile),
	    h('button', { class: 'link', type: 'button', onclick: logout },
		'Log out'));
}

async function logout() {
	try {
		await api('DELETE', '/v1/session');
	} catch (e) { /* gone already */ }
	setToken(null);
	ctx.session = null;
	ctx.say('You are logged out.');
	location.hash = '#/login';
	route();
}

async function loadSession() {
	if (!token())
		return null;
	try {
		return await api('GET', '/v1/session');
	} catch (e) {
		return null;
	}
}

async function route() {
	const hash = location.hash.startsWith('#/') ? location.hash.slice(2) :
	    '';
	const [name, ...params] = hash.split('/').filter((p) => p !== '');
	ctx.session = await loadSession();
	if (ctx.session === null || name === 'login' ||
	    ctx.session.must_change_password) {
		drawChrome(null);
		clear(main);
		return login.render(main, ctx, ctx.session);
	}
	const entry = MENU.find((e) => e[0] === name && allowed(e));
	if (!entry) {
		location.replace('#/' + home());
		return;
	}
	drawChrome(entry[0]);
	clear(main);
	main.append(h('p', { class: 'muted' }, 'Loading…'));
	try {
		await entry[2].render(clear(main), ctx, params);
	} catch (e) {
		clear(main);
		main.append(h('p', { class: 'error' }, e.message || String(e)));
	}
	document.title = entry[1] + ' · cxvault';
}

whenExpired(() => {
	ctx.say('Your session has ended. Log in again.', true);
	location.hash = '#/login';
});
window.addEventListener('hashchange', () => {
	ctx.say('');
	route();
});
document.getElementById('skip').addEventListener('click', (ev) => {
	ev.preventDefault();
	main.focus();
});
route();
