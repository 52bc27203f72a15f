import { h, notice, render } from '../dom';
import { beginHostedSignIn, hostedSignInConfig } from '../hosted-sign-in';
import { rolesWords } from '../logic';
import { signIn } from '../session';

/** A demo user the local server can sign in (`npm start` only: there is no such endpoint in AWS). */
interface DemoUser {
  readonly organisation: string;
  readonly organisationName: string;
  readonly handle: string;
  readonly displayName: string;
  readonly roles: readonly string[];
}

/** Where the local server lists its demo users and signs them in. */
export const LOCAL_SIGN_IN = '/console/local-sign-in';

/**
 * The local sign-in: the demo users of each organisation, one button each. The local server mints the token with
 * the local issuer, as `npm start` prints them; in AWS the user pool's hosted sign-in takes its place.
 */
export async function signInScreen(main: HTMLElement, onSignedIn: () => void): Promise<void> {
  const hosted = await hostedSignInConfig();
  if (hosted) {
    const button = h('button', { type: 'button' }, 'Sign in with your organisation account');
    button.addEventListener('click', () => void beginHostedSignIn(hosted));
    render(
      main,
      h('h1', { tabindex: -1 }, 'Sign in'),
      h(
        'p',
        {},
        'You sign in on your organisation’s sign-in page, with your password and your second factor.',
      ),
      button,
    );
    return;
  }
  render(main, h('h1', { tabindex: -1 }, 'Sign in'), h('p', {}, 'Loading the demo users…'));
  let users: DemoUser[];
  try {
    const response = await fetch(`${LOCAL_SIGN_IN}/users`);
    if (!response.ok) throw new Error(String(response.status));
    users = (await response.json()) as DemoUser[];
  } catch {
    render(
      main,
      h('h1', { tabindex: -1 }, 'Sign in'),
      notice('This Confide has no local sign-in. Sign in through your organisation’s sign-in page.', 'error'),
    );
    return;
  }
  const byOrganisation = Map.groupBy(users, (user) => user.organisationName);
  const choose = async (user: DemoUser, button: HTMLButtonElement) => {
    button.disabled = true;
    const response = await fetch(`${LOCAL_SIGN_IN}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organisation: user.organisation, handle: user.handle }),
    });
    button.disabled = false;
    if (!response.ok) {
      main.prepend(notice('That user could not be signed in.', 'error'));
      return;
    }
    const { token } = (await response.json()) as { token: string };
    signIn({ token, who: `${user.displayName} (${user.handle})` });
    onSignedIn();
  };
  render(
    main,
    h('h1', { tabindex: -1 }, 'Sign in'),
    h('p', {}, 'Choose a demo user. Each sees only what their role may see.'),
    ...[...byOrganisation].map(([organisationName, members]) =>
      h(
        'section',
        { class: 'card', 'aria-labelledby': `org-${members[0]?.organisation}` },
        h('h2', { id: `org-${members[0]?.organisation}` }, organisationName),
        h(
          'ul',
          { class: 'user-list' },
          members.map((user) => {
            const button: HTMLButtonElement = h(
              'button',
              { type: 'button', class: 'user', 'data-handle': user.handle },
              h('span', { class: 'user-name' }, user.displayName),
              h('span', { class: 'user-meta' }, `${user.handle} · ${rolesWords(user.roles)}`),
            );
            button.addEventListener('click', () => void choose(user, button));
            return h('li', {}, button);
          }),
        ),
      ),
    ),
  );
}
