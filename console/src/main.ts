import './styles.css';
import { execute } from './api';
import { ViewerQuery } from './documents';
import { h, link, notice, render } from './dom';
import {
  completeHostedSignIn,
  endHostedSessionOfNonStaff,
  hostedSignInConfig,
  signedOutAsNotStaff,
  signOutAndEndHostedSession,
} from './hosted-sign-in';
import { type Capabilities, capabilitiesOf, hasGovernanceWork, rolesWords, tokenExpired } from './logic';
import { accessAtAGlanceScreen } from './screens/access-at-a-glance';
import { personAccessScreen, staffAccessScreen } from './screens/access-log';
import { breakGlassScreen } from './screens/break-glass';
import { disclosureRequestScreen, disclosureReviewScreen } from './screens/disclosure';
import {
  consentMethodsScreen,
  disclosurePeopleScreen,
  personDisclosuresScreen,
} from './screens/disclosure-actions';
import { importsScreen } from './screens/imports';
import { legalHoldsScreen } from './screens/legal-holds';
import { monitoringSettingsScreen } from './screens/monitoring-settings';
import { pendingChangesScreen } from './screens/pending-changes';
import { peopleScreen } from './screens/people';
import { breachRegisterScreen, breachScreen, disclosureRegisterScreen } from './screens/registers';
import { servicesScreen } from './screens/services';
import { screenHeading } from './screens/shared';
import { signInScreen } from './screens/sign-in';
import { subjectAccessScreen } from './screens/subject-access';
import { todayScreen } from './screens/today';
import { currentSession, signOut } from './session';

const header = document.querySelector<HTMLElement>('#console-header');
const main = document.querySelector<HTMLElement>('#main');

interface Viewer {
  readonly capabilities: Capabilities;
  readonly organisation: string;
  readonly name: string;
  readonly roles: readonly string[];
  /**
   * The viewer's own staff member (global id): an export they approved is not theirs to compile, nor the review of a
   * disclosure they made or recorded theirs to complete.
   */
  readonly staffId: string | undefined;
}

/** The screens, by hash route; each is reached only through the navigation its capabilities show. */
async function route(viewer: Viewer, target: HTMLElement): Promise<void> {
  const [screen, first = '', second = '', third = ''] = (location.hash.replace(/^#\/?/, '') || 'today')
    .split('/')
    .map(decodeURIComponent);
  const can = viewer.capabilities;
  if (screen === 'today') await todayScreen(target, can, viewer.staffId);
  else if (screen === 'break-glass' && can.reviewBreakGlass) await breakGlassScreen(target, first);
  else if (screen === 'disclosure' && can.disclosureQueue)
    await disclosureRequestScreen(target, first, second, can);
  else if (
    screen === 'disclosures' &&
    first &&
    (can.handleDisclosureRequests || can.recordExceptionalDisclosures)
  )
    await personDisclosuresScreen(target, first, can);
  else if (screen === 'disclosures' && (can.handleDisclosureRequests || can.recordExceptionalDisclosures))
    await disclosurePeopleScreen(target);
  else if (screen === 'settings' && first === 'consent-methods' && can.disclosureConsentMethods)
    await consentMethodsScreen(target);
  else if (screen === 'disclosure-review' && can.reviewDisclosures)
    await disclosureReviewScreen(target, first, viewer.staffId, can);
  else if (screen === 'person' && can.accessLog) await personAccessScreen(target, first, can);
  else if (screen === 'people' && can.accessLog) await peopleScreen(target, can, viewer.staffId);
  else if (screen === 'pending-changes' && can.approveChanges) await pendingChangesScreen(target);
  else if (screen === 'settings' && first === 'monitoring' && can.monitoringSettings)
    await monitoringSettingsScreen(target);
  else if (screen === 'registers' && first === 'legal-holds' && can.legalHolds)
    await legalHoldsScreen(target, can);
  else if (screen === 'staff' && can.accessLog)
    await staffAccessScreen(target, first, second || undefined, third || undefined);
  else if (screen === 'access' && can.accessHeatMap)
    await accessAtAGlanceScreen(target, can, first || undefined, second || undefined);
  else if (screen === 'services' && can.assignQaReviews)
    await servicesScreen(target, can, viewer.staffId, viewer.roles.includes('SENIOR_MANAGER'));
  else if (screen === 'imports' && can.authoriseImports) await importsScreen(target, viewer.staffId);
  else if (
    screen === 'registers' &&
    first === 'subject-access' &&
    second === 'new' &&
    third &&
    can.subjectAccess &&
    can.recordSubjectAccess
  )
    await subjectAccessScreen(target, can, viewer.staffId, undefined, third);
  else if (screen === 'registers' && first === 'subject-access' && can.subjectAccess)
    await subjectAccessScreen(target, can, viewer.staffId);
  else if (screen === 'registers' && first === 'disclosures' && can.disclosureRegister)
    await disclosureRegisterScreen(target, can);
  else if (screen === 'registers' && first === 'breaches' && second && can.breaches)
    await breachScreen(target, second, can);
  else if (screen === 'registers' && first === 'breaches' && can.breaches)
    await breachRegisterScreen(target, can);
  else render(target, screenHeading('Not available'), notice('This screen is not part of your role.'));
  target.querySelector<HTMLElement>('h1')?.focus();
}

function navigation(viewer: Viewer): HTMLElement {
  const can = viewer.capabilities;
  const items: [string, string, boolean][] = [
    ['/today', 'Today', true],
    ['/registers/disclosures', 'Disclosure register', can.disclosureRegister],
    ['/registers/breaches', 'Breach register', can.breaches],
    ['/registers/subject-access', 'Subject access', can.subjectAccess],
    ['/registers/legal-holds', 'Legal holds', can.legalHolds],
    ['/access', 'Access at a glance', can.accessHeatMap],
    ['/people', 'People', can.accessLog],
    ['/services', 'Services', can.assignQaReviews],
    ['/imports', 'Imports', can.authoriseImports],
    ['/settings/monitoring', 'Alert settings', can.monitoringSettings],
    ['/disclosures', 'Disclosures', can.handleDisclosureRequests || can.recordExceptionalDisclosures],
    ['/settings/consent-methods', 'Consent methods', can.disclosureConsentMethods],
  ];
  return h(
    'nav',
    { 'aria-label': 'Console' },
    h(
      'ul',
      {},
      items.filter(([, , shown]) => shown).map(([path, words]) => h('li', {}, link(path, words))),
    ),
  );
}

function showHeader(viewer: Viewer | undefined): void {
  if (!header) return;
  const signOutButton = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
  signOutButton.addEventListener('click', async () => {
    signOutButton.disabled = true;
    if (await signOutAndEndHostedSession()) return;
    location.hash = '';
    void start();
  });
  render(
    header,
    h('p', { class: 'brand' }, 'Confide governance'),
    viewer && hasGovernanceWork(viewer.capabilities) ? navigation(viewer) : null,
    viewer
      ? h(
          'p',
          { class: 'who' },
          `${viewer.name} · ${rolesWords(viewer.roles)} · ${viewer.organisation}`,
          ' ',
          signOutButton,
        )
      : '',
  );
}

let routed: ((event: HashChangeEvent) => void) | undefined;

const NOT_STAFF = 'Sign in as a staff member of an organisation.';

async function start(): Promise<void> {
  if (!main) return;
  if (routed) window.removeEventListener('hashchange', routed);
  let signInFailed = false;
  if (new URLSearchParams(location.search).has('code') || new URLSearchParams(location.search).has('error')) {
    const hosted = await hostedSignInConfig();
    signInFailed = hosted !== undefined && !(await completeHostedSignIn(hosted));
  }
  if (!currentSession()) {
    showHeader(undefined);
    await signInScreen(main, () => void start());
    if (signInFailed) main.prepend(notice('The sign-in did not complete. Please sign in again.', 'error'));
    if (signedOutAsNotStaff()) main.prepend(notice(NOT_STAFF, 'error'));
    main.querySelector<HTMLElement>('h1')?.focus();
    return;
  }
  const token = currentSession()?.token ?? '';
  const { data, errors } = await execute(ViewerQuery);
  if (data?.me.kind !== 'STAFF') {
    signOut();
    // A sign-in that has only expired (the tab keeps its token, unrefreshed) keeps the hosted session: signing in
    // again is one click, as the same person.
    const expired = !data && tokenExpired(token, Date.now());
    // Signed in, but not as staff, or as someone the API refuses (a deactivated account, an offboarded organisation):
    // their hosted session goes too (the browser leaves and comes back to say why). Not when the API is unreachable.
    const refused =
      !expired && errors.some((error) => error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN');
    if ((data || refused) && (await endHostedSessionOfNonStaff())) return;
    showHeader(undefined);
    await signInScreen(main, () => void start());
    if (expired) main.prepend(notice('Your sign-in has expired. Please sign in again.', 'error'));
    else if (errors.length > 0 || data) main.prepend(notice(NOT_STAFF, 'error'));
    return;
  }
  const viewer: Viewer = {
    capabilities: capabilitiesOf(data.me.roles),
    organisation: data.me.organisation?.name ?? '',
    name: data.me.staffMember?.displayName ?? data.me.staffMember?.handle ?? '',
    roles: data.me.roles,
    staffId: data.me.staffMember?.id,
  };
  showHeader(viewer);
  if (!hasGovernanceWork(viewer.capabilities)) {
    render(
      main,
      screenHeading('Nothing to review'),
      h(
        'p',
        {},
        'The governance console is for information governance leads, Caldicott Guardians and managers.',
      ),
      h(
        'p',
        {},
        'Your role has no governance work. Your records are in your organisation’s case-management app.',
      ),
    );
    return;
  }
  routed = () => void route(viewer, main);
  window.addEventListener('hashchange', routed);
  await route(viewer, main);
}

void start();
