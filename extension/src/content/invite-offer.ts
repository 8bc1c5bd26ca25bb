// On a relay's invite page (/join/<groupId>#<token>), offers to add the group to the extension too.
// Runs before the page's own script, which takes the token out of the address bar as soon as it reads it.
import { styleShadow } from './shadow-style';
import { parseInviteLink } from '../invite';

const link = location.href;
let invite: ReturnType<typeof parseInviteLink> | null = null;
try {
	invite = parseInviteLink(link);
} catch {
	invite = null; // Not an invite link: nothing to offer.
}

const CSS_TEXT = `
:host { all: initial; }
form { font: 14px/1.4 system-ui, sans-serif; color: #1a1a1a; background: #fff; border: 2px solid #2471a3;
  border-radius: 6px; box-shadow: 0 2px 8px rgba(0,0,0,.25); padding: 10px; width: min(320px, calc(100vw - 24px));
  box-sizing: border-box; display: grid; gap: 6px; }
p { margin: 0; }
input { font: inherit; padding: 4px; }
button { font: inherit; padding: 4px 10px; border: 1px solid #2471a3; border-radius: 4px; background: #2471a3; color: #fff; }
button.secondary { background: #fff; color: #2471a3; }
:focus-visible { outline: 3px solid #f1c40f; outline-offset: 1px; }
`;

function offer(found: NonNullable<typeof invite>): void {
	const host = document.createElement('commonplace-invite');
	const shadow = host.attachShadow({ mode: 'closed' });
	styleShadow(shadow, CSS_TEXT);
	for (const [name, value] of Object.entries({ position: 'fixed', 'z-index': '2147483647', top: '12px', right: '12px', display: 'block' })) {
		host.style.setProperty(name, value, 'important');
	}
	const form = document.createElement('form');
	form.setAttribute('aria-label', 'Commonplace extension');
	const text = document.createElement('p');
	text.textContent = `Also highlight on other pages with this group? The Commonplace extension will sync it with ${new URL(found.origin).host}.`;
	const label = document.createElement('label');
	label.textContent = 'Your name in the group ';
	const name = document.createElement('input');
	name.required = true;
	name.maxLength = 60;
	label.append(name);
	const add = document.createElement('button');
	add.type = 'submit';
	add.textContent = 'Add to the extension';
	const later = document.createElement('button');
	later.type = 'button';
	later.className = 'secondary';
	later.textContent = 'Not now';
	later.addEventListener('click', () => host.remove());
	const status = document.createElement('p');
	status.setAttribute('role', 'status');
	form.append(text, label, add, later, status);
	shadow.append(form);
	form.addEventListener('submit', (event) => {
		event.preventDefault();
		// Only the member's own click or key press counts, never a script of the page.
		if (!event.isTrusted) return;
		status.textContent = 'Checking the invite link with the relay…';
		chrome.runtime.sendMessage({ kind: 'join-invite', link, name: name.value }).then(
			(answer: { ok: boolean; message: string } | undefined) => {
				status.textContent = answer?.message ?? 'The extension did not answer. Reload the page and try again.';
				if (answer?.ok) setTimeout(() => host.remove(), 4_000);
			},
			() => (status.textContent = 'The extension did not answer. Reload the page and try again.')
		);
	});
	chrome.storage.local.get('profile').then(({ profile }) => {
		const known = (profile as { name?: string } | undefined)?.name;
		if (known && !name.value) name.value = known;
	});
	// Not focused: the page's own form keeps the focus it gives itself.
	document.documentElement.append(host);
}

if (invite) {
	const found = invite;
	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => offer(found), { once: true });
	else offer(found);
}
