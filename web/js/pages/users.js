// SPDX-License-Identifier: Apache-2.0
// Users and profiles (R1.1, R2, R3): accounts, their logins (profile,
// password reset, unlock), and the profile permission editor.
import { api, list } from '../api.js';
import { h, field, table, props, when } from '../dom.js';

const FIELDS = [['first_name', 'First name'], ['last_name', 'Last name'],
    ['email', 'Email'], ['extension', 'Extension'], ['mobile', 'Mobile'],
    ['department', 'Department']];

function createForm(ctx) {
	const [logonField, logon] = field('Logon id', { required: true });
	const [kindField, kind] = field('Kind', { options: [['local', 'Local'],
	    ['remote', 'Directory (LDAP)'], ['api', 'API (machine)']],
	    value: 'local' });
	const inputs = FIELDS.map(([k, label]) => [k, field(label)]);
	const form = h('form', { class: 'card' }, h('h2', {}, 'New user'),
	    logonField, kindField, inputs.map(([, [f]]) => f),
	    h('button', { type: 'submit' }, 'Create'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = { logon: logon.value, kind: kind.value };
		for (const [k, [, input]] of inputs)
			if (input.value !== '')
				body[k] = input.value;
		try {
			const u = await api('POST', '/v1/users', body);
			ctx.say('User ' + u.user + ' created; give it a login.');
			ctx.go('users/' + u.user);
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

/*
 * The permission editor: a new custom profile, or a custom one changed
 * (predefined profiles are fixed).
 */
function profileForm(all, ctx, p) {
	const [nameField, name] = field('Name', { required: true,
	    pattern: '[a-z][a-z0-9_]*', value: p ? p.name : '' });
	const tag = p ? 'p' + p.profile + '-' : 'new-';
	const boxes = all.map((perm) => [perm, h('input', { type: 'checkbox',
	    id: tag + perm.replace('.', '-'), value: perm,
	    checked: p !== null && p.permissions.includes(perm) })]);
	const form = h('form', { class: 'card' },
	    h('h2', {}, p ? 'Profile ' + p.name : 'New profile'), nameField,
	    h('fieldset', {}, h('legend', {}, 'Permissions'),
		boxes.map(([perm, box]) => h('div', { class: 'check' }, box, ' ',
		    h('label', { for: box.id }, perm)))),
	    h('button', { type: 'submit' }, p ? 'Save profile' :
		'Create profile'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = { name: name.value, permissions: boxes
		    .filter(([, b]) => b.checked).map(([x]) => x) };
		try {
			await api(p ? 'PUT' : 'POST', '/v1/profiles' + (p ? '/' +
			    p.profile : ''), body);
			ctx.say('Profile ' + name.value + ' saved.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	return form;
}

async function profilesPart(main, ctx) {
	const profiles = await list('/v1/profiles', 200);
	main.append(h('h2', {}, 'Profiles'),
	    table('Profiles and their permissions', [
		{ label: 'Profile', value: (p) => p.name },
		{ label: 'Permissions', value: (p) => p.permissions.join(', ') },
		{ label: 'Kind', value: (p) => p.predefined ? 'predefined' :
		    'custom' }], profiles));
	if (!ctx.may('accounts'))
		return;
	const all = [...new Set(profiles.flatMap((p) => p.permissions))].sort();
	for (const p of profiles.filter((x) => !x.predefined))
		main.append(profileForm(all, ctx, p));
	main.append(profileForm(all, ctx, null));
}

async function listPage(main, ctx) {
	const users = await list('/v1/users', 1000);
	main.append(h('h1', {}, 'Users'),
	    table('Accounts (names are shown on each user\'s page)', [
		{ label: 'User', value: (u) => h('a', { href: '#/users/' +
		    u.user }, u.user) },
		{ label: 'Kind', value: (u) => u.kind },
		{ label: 'Status', value: (u) => u.status },
		{ label: 'Created', value: (u) => when(u.created) }], users));
	if (ctx.may('users.write'))
		main.append(createForm(ctx));
	await profilesPart(main, ctx);
}

function loginPart(id, login, profiles, ctx) {
	const names = profiles.map((p) => [p.name, p.name]);
	const [profField, prof] = field('Profile', { options: names,
	    value: login ? login.profile : names[0][0] });
	const [pwField, pw] = field('New password (must be changed at the ' +
	    'next login)', { type: 'password', autocomplete: 'new-password' });
	const form = h('form', { class: 'card' }, h('h2', {}, 'Login'),
	    login ? props([['Profile', login.profile],
		['Password set', login.password ? 'yes' : 'no'],
		['Must change it', login.must_change_password ? 'yes' : 'no'],
		['Failed logins', login.failures],
		['Locked until', login.locked_until ?
		    h('span', { class: 'bad' }, when(login.locked_until)) :
		    'not locked']]) : h('p', {}, 'No login yet.'),
	    profField, pwField, h('button', { type: 'submit' }, 'Save login'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = { profile: prof.value };
		if (pw.value !== '') {
			body.password = pw.value;
			body.must_change = true;
		}
		try {
			await api('PUT', '/v1/users/' + id + '/login', body);
			ctx.say('The login is saved.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	const unlock = h('button', { type: 'button', class: 'secondary' },
	    'Unlock');
	unlock.addEventListener('click', async () => {
		try {
			await api('POST', '/v1/users/' + id + '/unlock');
			ctx.say('Unlocked.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	const end = h('button', { type: 'button', class: 'secondary' },
	    'End all sessions');
	end.addEventListener('click', async () => {
		try {
			await api('DELETE', '/v1/users/' + id + '/sessions');
			ctx.say('Every session of this user has ended.');
		} catch (e) {
			ctx.fail(e);
		}
	});
	return [form, login ? h('div', { class: 'actions' }, unlock, end) :
	    null];
}

function statusButton(id, status, ctx) {
	const active = status === 'active';
	const b = h('button', { type: 'button', class: active ? 'danger' :
	    'secondary' }, active ? 'Disable the account' : 'Enable the account');
	b.addEventListener('click', async () => {
		try {
			await api('PUT', '/v1/users/' + id + '/status',
			    { status: active ? 'disabled' : 'active' });
			ctx.say(active ? 'Disabled: its sessions have ended.' :
			    'Enabled.');
			ctx.refresh();
		} catch (e) {
			ctx.fail(e);
		}
	});
	return h('div', { class: 'actions' }, b);
}

async function detail(main, ctx, id) {
	const u = await api('GET', '/v1/users/' + id);
	const shown = Object.entries(u).filter(([k]) => !['user', 'subject',
	    'kind', 'status', 'created'].includes(k));
	main.append(h('p', {}, h('a', { href: '#/users' }, '← All users')),
	    h('h1', {}, 'User ' + id),
	    h('div', { class: 'card' }, props([['Kind', u.kind],
		['Status', u.status], ['Created', when(u.created)],
		...shown])));
	if (!ctx.may('accounts'))
		return;
	let login = null;
	try {
		login = await api('GET', '/v1/users/' + id + '/login');
	} catch (e) {
		if (e.status !== 404)
			throw e;
	}
	main.append(statusButton(id, u.status, ctx),
	    ...loginPart(id, login, await list('/v1/profiles', 200), ctx));
}

export async function render(main, ctx, params) {
	if (params.length > 0 && /^\d+$/.test(params[0]))
		return detail(main, ctx, params[0]);
	return listPage(main, ctx);
}
