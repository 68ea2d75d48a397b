// SPDX-License-Identifier: Apache-2.0
// Logging in, and the password change a reset or an aged password asks
// for. Each refusal says what happened and what to do.
import { api, ApiError, setToken } from '../api.js';
import { h, field } from '../dom.js';

function minutes(s) {
	const m = Math.ceil(s / 60);
	return m <= 1 ? 'about a minute' : m + ' minutes';
}

/* What a refused login means to the person at the keyboard. */
function why(e) {
	if (!(e instanceof ApiError))
		return 'The vault cannot be reached: ' + e.message;
	switch (e.code) {
	case 'bad_credentials':
		return 'Wrong name or password.';
	case 'account_locked': {
		const s = Number(e.headers.get('Retry-After')) || 0;
		return 'This account is locked after too many failed logins. ' +
		    'Try again in ' + minutes(s) + ' (' + s + ' seconds), or ' +
		    'ask an administrator to unlock it.';
	}
	case 'login_refused':
		return 'This account may not log in here: ' + e.message + '.';
	case 'too_many_sessions':
		return 'This account is logged in elsewhere already; log out ' +
		    'there first.';
	case 'directory_unavailable':
		return 'The company directory cannot be reached; try again ' +
		    'later.';
	default:
		return e.message;
	}
}

function loginForm(main, ctx) {
	const [nameField, name] = field('Name', { name: 'name',
	    autocomplete: 'username', required: true });
	const [pwField, pw] = field('Password', { name: 'password',
	    type: 'password', autocomplete: 'current-password', required: true });
	const err = h('p', { class: 'error', role: 'alert', hidden: true });
	const form = h('form', { class: 'card login', 'aria-labelledby': 'lt' },
	    h('h1', { id: 'lt' }, 'Log in to cxvault'), err, nameField, pwField,
	    h('button', { type: 'submit' }, 'Log in'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		err.hidden = true;
		try {
			const doc = await api('POST', '/v1/sessions',
			    { name: name.value, password: pw.value });
			pw.value = '';
			setToken(doc.token);
			ctx.say('');
			ctx.go(doc.must_change_password ? 'login' : '');
		} catch (e) {
			pw.value = '';
			err.textContent = why(e);
			err.hidden = false;
			pw.focus();
		}
	});
	main.append(form);
	name.focus();
}

function changeForm(main, ctx) {
	const [curField, cur] = field('Current password', { type: 'password',
	    autocomplete: 'current-password', required: true });
	const [newField, fresh] = field('New password', { type: 'password',
	    autocomplete: 'new-password', required: true, minlength: 12 });
	const [againField, again] = field('New password again',
	    { type: 'password', autocomplete: 'new-password', required: true });
	const err = h('p', { class: 'error', role: 'alert', hidden: true });
	const form = h('form', { class: 'card login' },
	    h('h1', {}, 'Choose a new password'),
	    h('p', {}, 'Your password was reset or is too old. Choose a new ' +
		'one: at least 12 characters, not a common password, not ' +
		'one you used lately.'), err, curField, newField, againField,
	    h('button', { type: 'submit' }, 'Change password'));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		err.hidden = true;
		if (fresh.value !== again.value) {
			err.textContent = 'The two new passwords differ.';
			err.hidden = false;
			return;
		}
		try {
			await api('POST', '/v1/session/password',
			    { current: cur.value, new: fresh.value });
			ctx.say('Your password is changed.');
			ctx.go('');
		} catch (e) {
			err.textContent = e.message;
			err.hidden = false;
		}
	});
	main.append(form);
	cur.focus();
}

export function render(main, ctx, session) {
	if (session !== null && session.must_change_password)
		changeForm(main, ctx);
	else
		loginForm(main, ctx);
}
