// SPDX-License-Identifier: Apache-2.0
// Browser tests of the web console (issue 8): Debian's chromium, headless,
// driven by playwright-core. tests/integration/test_console.py makes the
// vault, the server and the people, then runs this with a JSON file of
// what it made; screenshots go to its "shots" directory. Prints TAP.
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(cfg.shots, { recursive: true });
const tests = [];
const test = (name, fn) => tests.push([name, fn]);

function expect(cond, msg) {
	if (!cond)
		throw new Error(msg);
}

let browser;
/* A fresh browser context (no shared session), with its errors kept. */
async function page() {
	const ctx = await browser.newContext({ ignoreHTTPSErrors: true,
	    viewport: { width: 1280, height: 900 }, acceptDownloads: true });
	const p = await ctx.newPage();
	p.errors = [];
	p.urls = [];
	p.on('request', (r) => p.urls.push(r.url()));
	p.on('pageerror', (e) => p.errors.push(e.message));
	p.on('console', (m) => {
		if (m.type() === 'error' && !/status of 4\d\d/.test(m.text()))
			p.errors.push(m.text());
	});
	return p;
}

async function login(p, name, password) {
	await p.goto(cfg.url + '/#/login');
	await p.getByLabel('Name').fill(name);
	await p.getByLabel('Password').fill(password);
	await p.getByRole('button', { name: 'Log in' }).click();
}

/* Admin accounts may hold two sessions (R2.5): end them when done. */
async function logout(p) {
	await p.getByRole('button', { name: 'Log out' }).click();
	await p.getByRole('heading', { name: 'Log in to cxvault' }).waitFor();
}

async function shot(p, name) {
	await p.screenshot({ path: `${cfg.shots}/${name}.png`, fullPage: true });
}

/* Every form control has an accessible name (a label or aria-label). */
async function labelled(p) {
	const bare = await p.$$eval('input, select, textarea', (els) => els
	    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label'))
	    .map((e) => e.outerHTML));
	expect(bare.length === 0, 'controls without a label: ' + bare);
}

test('the console is served with a strict Content-Security-Policy', async () => {
	const p = await page();
	const res = await p.goto(cfg.url + '/');
	const csp = res.headers()['content-security-policy'];
	expect(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp) &&
	    /frame-ancestors 'none'/.test(csp), 'CSP: ' + csp);
	await p.getByLabel('Name').waitFor();
	await labelled(p);
	await shot(p, '01-login');
	expect(p.errors.length === 0, 'errors: ' + p.errors);
});

test('a locked account shows the lock message with the time left', async () => {
	const p = await page();
	for (let i = 0; i < cfg.lockout_failures; i++) {
		await login(p, cfg.locked.name, 'not the password ' + i);
		await p.getByRole('alert').filter({ hasText: /Wrong name or password|locked/ }).waitFor();
	}
	await login(p, cfg.locked.name, cfg.locked.password);
	const msg = p.getByRole('alert');
	await msg.filter({ hasText: 'locked' }).waitFor();
	const text = await msg.textContent();
	expect(/locked after too many failed logins/.test(text) &&
	    /Try again in .*\(\d+ seconds\)/.test(text), text);
	await shot(p, '02-locked');
});

test('the DPO finds a person, exports, erases, and sees the receipt', async () => {
	const p = await page();
	await login(p, cfg.dpo.name, cfg.dpo.password);
	await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
	await p.getByRole('cell', { name: 'interactions' }).waitFor();
	await labelled(p);
	await shot(p, '03-dashboard');
	await p.getByRole('link', { name: 'People' }).click();
	await p.getByLabel('Value').fill(cfg.person.phone);
	await p.getByRole('button', { name: 'Find' }).click();
	await p.getByRole('link', { name: 'Person ' + cfg.person.subject }).click();
	await p.getByRole('cell', { name: cfg.person.email }).waitFor();
	expect(!p.url().includes(cfg.person.phone.replace(/ /g, '')) &&
	    !p.url().includes('@'), 'personal data in the address: ' + p.url());
	await labelled(p);
	await shot(p, '04-person');
	const dl = p.waitForEvent('download');
	await p.getByRole('button', { name: 'Export everything (tar)' }).click();
	const file = await dl;
	const tar = readFileSync(await file.path());
	expect(file.suggestedFilename() === `person-${cfg.person.subject}.tar` &&
	    tar.subarray(0, 11).toString() === 'person.json' &&
	    tar.includes(Buffer.from(cfg.person.email)), 'the export');
	await p.getByLabel('I confirm the erasure of person').check();
	await p.getByRole('button', { name: 'Erase' }).click();
	const receipt = p.getByLabel('Erasure receipt');
	await receipt.waitFor();
	const doc = JSON.parse(await receipt.textContent());
	expect(doc.subject === cfg.person.subject && doc.ground ===
	    'consent_withdrawn' && doc.erased.interactions > 0, 'receipt: ' + JSON.stringify(doc));
	await shot(p, '05-receipt');
	await p.getByRole('link', { name: 'People' }).click();
	await p.getByLabel('Value').fill(cfg.person.phone);
	await p.getByRole('button', { name: 'Find' }).click();
	await p.getByText('Nobody is held with that identifier.').waitFor();
	expect(p.errors.length === 0, 'errors: ' + p.errors);
	/* Issue 25.9: searches carry identifiers in bodies, never URLs. */
	const leaky = p.urls.filter((u) =>
	    /[?&](phone|email|chat|account|logon|name)=/.test(u) ||
	    u.includes(cfg.person.phone.replace(/ /g, '')) || u.includes('%40'));
	expect(leaky.length === 0, 'identifiers in request URLs: ' + leaky);
});

test('an agent sees only the interactions they handled', async () => {
	const p = await page();
	await login(p, cfg.agent.name, cfg.agent.password);
	await p.getByRole('heading', { name: 'Interactions' }).waitFor();
	const links = p.locator('main table a');
	await links.first().waitFor();
	const shown = await links.allTextContents();
	expect(shown.length > 0 && shown.every((id) => cfg.agent.own.includes(id)
	    && !cfg.agent.others.includes(id)), 'shown ' + shown + ', own ' +
	    cfg.agent.own);
	const nav = await p.locator('#nav a').allTextContents();
	expect(!nav.includes('People') && !nav.includes('Audit'), 'menu ' + nav);
	await links.first().click();
	await p.getByRole('heading', { name: 'Trail' }).waitFor();
	await shot(p, '06-agent-interaction');
	await p.goto(cfg.url + '/#/interactions/' + cfg.agent.others[0]);
	await p.locator('main .error').waitFor();
	/* Issue 25.3: refused exactly as a missing one. */
	expect(/no such interaction/.test(await p.locator('main .error')
	    .textContent()), 'another agent\'s interaction');
	/* Issue 29: what was masked in a recording, never the digits. */
	await p.goto(cfg.url + '/#/interactions/' + cfg.agent.masked);
	await p.getByRole('cell', { name: 'marked 1.00 s–2.50 s' }).waitFor();
});

test('an end user files an erasure request, the DPO approves it', async () => {
	const p = await page();
	await login(p, cfg.end_user.name, cfg.end_user.password);
	await p.getByRole('heading', { name: 'My data', exact: true }).waitFor();
	await labelled(p);
	await p.getByRole('button', { name: 'Send the request' }).click();
	await p.getByRole('status').filter({ hasText: 'is filed' }).waitFor();
	await p.getByRole('cell', { name: 'pending' }).waitFor();
	await shot(p, '07-self-service');
	const q = await page();
	await login(q, cfg.dpo.name, cfg.dpo.password);
	await q.getByRole('heading', { name: 'Dashboard' }).waitFor();
	await q.getByRole('link', { name: 'Requests' }).click();
	await q.getByRole('button', { name: 'Approve and erase' }).click();
	await q.getByRole('status').filter({ hasText: 'is erased' }).waitFor();
	await shot(q, '08-requests');
	await p.reload();
	await p.getByRole('heading', { name: 'Log in to cxvault' }).waitFor();
});

test('the other pages load for their profiles, without errors', async () => {
	const p = await page();
	await login(p, cfg.admin.name, cfg.admin.password);
	await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
	for (const [route, heading] of [['users', 'Users'], ['retention',
	    'Retention'], ['campaigns', 'Campaigns'], ['me', 'My data']]) {
		await p.goto(cfg.url + '/#/' + route);
		await p.getByRole('heading', { name: heading, exact: true })
		    .waitFor();
		await labelled(p);
		await shot(p, '09-' + route);
	}
	const q = await page();
	await login(q, cfg.dpo.name, cfg.dpo.password);
	await q.getByRole('heading', { name: 'Dashboard' }).waitFor();
	for (const [route, heading] of [['audit', 'Audit trail'], ['report',
	    /Record of processing/]]) {
		await q.goto(cfg.url + '/#/' + route);
		await q.getByRole('heading', { name: heading }).first().waitFor();
		await shot(q, '10-' + route);
	}
	await q.goto(cfg.url + '/#/audit');
	await q.getByRole('button', { name: 'Verify the chain' }).click();
	await q.getByText('The chain is intact').waitFor();
	expect(p.errors.length === 0 && q.errors.length === 0,
	    'errors: ' + p.errors + q.errors);
	await logout(p);
});

test('an administrator loads a calling list and disables an account', async () => {
	const p = await page();
	await login(p, cfg.admin.name, cfg.admin.password);
	await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
	await p.getByRole('link', { name: 'Campaigns' }).click();
	await p.getByRole('link', { name: 'Winback' }).click();
	await p.getByLabel('CSV file').setInputFiles({ name: 'list.csv',
	    mimeType: 'text/csv', buffer: Buffer.from('name,number\n' +
		'Ada Lovelace,+44 20 7946 0001\nNo Number,\n' +
		'Bob Byte,+44 20 7946 0002\n') });
	await p.getByRole('button', { name: 'Upload' }).click();
	await p.getByText(/2 imported, 0 on the do-not-call list/).waitFor();
	const rejected = await p.locator('main table').last()
	    .locator('tbody td').first().textContent();
	expect(rejected === '3', 'rejected line: ' + rejected);
	await p.getByRole('heading', { name: 'Calling list (3)' }).waitFor();
	await shot(p, '11-campaign-import');
	await p.goto(cfg.url + '/#/users/' + cfg.disable.id);
	await p.getByRole('button', { name: 'Disable the account' }).click();
	await p.getByRole('status').filter({ hasText: 'Disabled' }).waitFor();
	const q = await page();
	await login(q, cfg.disable.name, cfg.disable.password);
	await q.getByRole('alert').filter({ hasText: 'may not log in' })
	    .waitFor();
	await logout(p);
});

test('the keyboard alone logs in and reaches the menu', async () => {
	const p = await page();
	const active = () => p.evaluate(() => document.activeElement.id ||
	    document.activeElement.textContent);
	await p.goto(cfg.url + '/');
	await p.getByLabel('Name').waitFor();
	expect(await p.evaluate(() => document.activeElement.name) === 'name',
	    'the name field has the focus');
	await p.keyboard.type(cfg.admin.name);
	await p.keyboard.press('Tab');
	await p.keyboard.type(cfg.admin.password);
	await p.keyboard.press('Enter');
	await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
	await p.reload();		/* focus starts at the top again */
	await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
	await p.keyboard.press('Tab');
	expect(await active() === 'skip', 'first stop: ' + await active());
	await p.keyboard.press('Tab');
	expect(await active() === 'Dashboard', 'then: ' + await active());
	await p.locator('#skip').focus();
	await p.keyboard.press('Enter');
	expect(await active() === 'main', 'the skip link: ' + await active());
});

browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync'] });
let failed = 0;
console.log(`1..${tests.length}`);
for (const [i, [name, fn]] of tests.entries()) {
	try {
		await fn();
		console.log(`ok ${i + 1} - ${name}`);
	} catch (e) {
		failed++;
		console.log(`not ok ${i + 1} - ${name}`);
		for (const line of String(e.stack || e).split('\n'))
			console.log('# ' + line);
	}
}
await browser.close();
process.exit(failed ? 1 : 0);
