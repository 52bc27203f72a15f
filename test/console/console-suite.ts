import type { Browser, Page } from 'playwright-core';
import { afterAll } from 'vitest';
import type { Person } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';
import {
  type ConsoleUser,
  type FreshPageOptions,
  freshPage,
  launchChromium,
  openScreen,
  signInAs,
  signInAt,
  startConsole,
} from './console-browser';

type Roles = Parameters<typeof addStaff>[2];

/**
 * What each console browser test file sets up around its own fixtures: the local stack's api for the fixtures and
 * the read-backs, the api the console talks to (registered documents only, as production: decision 0036), headless
 * Chromium, the test organisation, the people its sign-in lists, and the console served for them; closed after the
 * file. In `beforeAll`: `begin()` first, the file's own fixtures, `serve()` last.
 */
export class ConsoleSuite {
  /** The api the fixtures use and the tests read outcomes back through. */
  readonly api: TestApi = testApi();
  /** The api the console talks to: it runs registered documents only, as production does (decision 0036). */
  readonly consoleApi: TestApi = testApi({ env: { CONFIDE_TRUSTED_DOCUMENTS_ONLY: 'true' } });
  /** The people the console's sign-in lists, by handle. */
  readonly people = new Map<string, Person & { roles: string[] }>();
  #org: TestOrganisation | undefined;
  #browser: Browser | undefined;
  #url: string | undefined;
  #stop: (() => Promise<void>) | undefined;

  constructor(readonly organisationName: string) {
    afterAll(async () => {
      await this.#browser?.close();
      await this.#stop?.();
    });
  }

  /** The test organisation (after `begin()`). */
  get org(): TestOrganisation {
    if (!this.#org) throw new Error('ConsoleSuite.begin() has not run');
    return this.#org;
  }

  get browser(): Browser {
    if (!this.#browser) throw new Error('ConsoleSuite.begin() has not run');
    return this.#browser;
  }

  /** The console's address (after `serve()`). */
  get url(): string {
    if (!this.#url) throw new Error('ConsoleSuite.serve() has not run');
    return this.#url;
  }

  /** Starts Chromium and onboards the test organisation under the suite's name. */
  begin = async (): Promise<TestOrganisation> => {
    this.#browser = await launchChromium();
    this.#org = await onboardTestOrganisation(this.api, { name: this.organisationName });
    return this.#org;
  };

  /** Adds a staff member with `roles`, listed on the sign-in as `handle`. */
  person = async (handle: string, roles: Roles): Promise<Person> => {
    const added = await addStaff(this.api, this.org, roles, handle);
    this.people.set(handle, { ...added, roles });
    return added;
  };

  /** Lists someone a fixture made (a service's manager, the senior manager) on the sign-in as `handle`. */
  list = (handle: string, person: Person, roles: string[]): Person => {
    this.people.set(handle, { ...person, roles });
    return person;
  };

  /** The person listed as `handle`; a test naming nobody listed fails. */
  who = (handle: string): Person => {
    const found = this.people.get(handle);
    if (!found) throw new Error(`No test person ${handle}`);
    return found;
  };

  /** The token of the person listed as `handle` (empty for nobody). */
  token = (handle: string): string => this.people.get(handle)?.token ?? '';

  /** Serves the console on `consoleApi`, with a sign-in that lists the suite's people as `Staff <handle>`. */
  serve = async (): Promise<void> => {
    const started = await startConsole(this.consoleApi, () =>
      [...this.people].map(
        ([handle, { token, roles }]): ConsoleUser => ({
          organisation: this.org.slug,
          organisationName: this.organisationName,
          handle,
          displayName: `Staff ${handle}`,
          roles,
          token,
        }),
      ),
    );
    this.#url = started.url;
    this.#stop = started.stop;
  };

  /** A new browser context whose page must raise no script error (see console-browser's `freshPage`). */
  freshPage = (options?: FreshPageOptions) => freshPage(this.browser, options);

  /** Signs in through the console's sign-in screen as the person listed as `handle`. */
  signInAs = (page: Page, handle: string): Promise<void> => signInAs(page, this.url, handle);

  /** Signs in as the person listed as `handle` at a screen's address, straight onto that screen (not Today). */
  signInAt = (page: Page, handle: string, route: string, heading: string | RegExp): Promise<void> =>
    signInAt(page, this.url, handle, route, heading);

  /** Opens a screen by its route and waits for its heading and its data. */
  open = (page: Page, route: string, heading: string | RegExp): Promise<void> =>
    openScreen(page, this.url, route, heading);
}
