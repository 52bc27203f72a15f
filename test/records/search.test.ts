import { beforeAll, describe, expect, it } from 'vitest';
import { ADA, allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff, localIdOf } from '../support/fixtures';
import {
  attributeStrings,
  createService,
  errorsOf,
  fillNameBucket,
  organisationItems,
  type ServiceWorld,
  serviceWorld,
} from '../support/records-fixtures';
import { ownTablesForFile, testApi } from '../support/test-api';

/**
 * Search over encrypted values (DATA-PROTECTION.md, Storage): exact NHS number, postcode (any spacing or
 * case) and whole name words (case- and accent-insensitive) through keyed blind indexes. Only people the
 * caller has a relationship to come back; nothing searchable is stored in clear, keys and index keys included.
 */

const ZOE = {
  ...ADA,
  name: 'Zoë Brontë',
  postcode: 'YO31 7QX',
  nhsNumber: '4857773007',
  address: '3 Haworth Lane, York',
  email: 'zb@example.org',
};
const ZOE_SMITH = { ...ADA, name: 'Zoe Smith', postcode: 'LS6 2QW', nhsNumber: '9434765919' };

const SEARCH = `query ($nhs: String, $postcode: String, $name: String) {
  searchServiceUsers(nhsNumber: $nhs, postcode: $postcode, name: $name) { id name }
}`;

type Found = { searchServiceUsers: { id: string; name: string }[] };

describe('searchServiceUsers', () => {
  const api = testApi({ tables: ownTablesForFile() });
  let world: ServiceWorld & { zoe: string; zoeSmith: string; outsider: Person };

  beforeAll(async () => {
    const base = await serviceWorld(api);
    const zoe = await registerServiceUser(api, base.manager, base.serviceId, ZOE);
    const zoeSmith = await registerServiceUser(api, base.manager, base.serviceId, ZOE_SMITH);
    // A worker of another service, allocated there only.
    const [otherManager, outsider] = await Promise.all([
      addStaff(api, base.org, ['SERVICE_MANAGER']),
      addStaff(api, base.org, ['SUPPORT_WORKER']),
    ]);
    const otherService = await createService(api, base, otherManager);
    const theirs = await registerServiceUser(api, otherManager, otherService, { name: 'Other Person' });
    await allocate(api, otherManager, theirs, outsider);
    world = { ...base, zoe, zoeSmith, outsider };
  });

  const search = (token: string, variables: Record<string, string | undefined>) =>
    api.graphql<Found>(SEARCH, { token, variables });

  it.each([
    ['the exact NHS number', { nhs: '4857773007' }],
    ['the NHS number typed with spaces', { nhs: '485 777 3007' }],
    ['the postcode as stored', { postcode: 'YO31 7QX' }],
    ['the postcode in lower case without a space', { postcode: 'yo317qx' }],
    ['the postcode with extra spaces', { postcode: '  yO31   7qX ' }],
    ['one name word, without accents and in lower case', { name: 'bronte' }],
    ['two name words in another order and case', { name: 'BRONTË zoe' }],
    ['a name word and the postcode together', { name: 'Zoë', postcode: 'YO31 7QX' }],
  ])("finds the client of the manager's service by %s", async (_how, variables) => {
    // Act
    const result = await search(world.manager.token, variables);

    // Assess
    expectNoErrors(result);
    expect(result.data?.searchServiceUsers).toEqual([{ id: world.zoe, name: ZOE.name }]);
  });

  it('matches every client sharing one name word, and only whole words', async () => {
    // Act
    const [zoe, partial] = await Promise.all([
      search(world.manager.token, { name: 'zoe' }),
      search(world.manager.token, { name: 'bront' }),
    ]);

    // Assess
    expectNoErrors(zoe);
    expect(zoe.data?.searchServiceUsers.map((client) => client.id).sort()).toEqual(
      [world.zoe, world.zoeSmith].sort(),
    );
    expectNoErrors(partial);
    expect(partial.data?.searchServiceUsers).toEqual([]);
  });

  it('returns an empty list, not an error, to a worker of another service searching the same values', async () => {
    // Act
    const results = await Promise.all(
      [{ nhs: ZOE.nhsNumber }, { postcode: ZOE.postcode }, { name: 'zoe' }, { name: 'Zoë Brontë' }].map(
        (variables) => search(world.outsider.token, variables),
      ),
    );

    // Assess
    for (const result of results) {
      expectNoErrors(result);
      expect(result.data).toEqual({ searchServiceUsers: [] });
      expect(result.text).not.toContain('Bront');
    }
  });

  it('returns an empty list for values nobody has', async () => {
    // Act
    const results = await Promise.all(
      [
        { nhs: '6001002002' },
        { postcode: 'ZE2 9XP' },
        { name: 'Xylophonist' },
        { name: 'Zoë Xylophonist' },
      ].map((variables) => search(world.manager.token, variables)),
    );

    // Assess
    for (const result of results) {
      expectNoErrors(result);
      expect(result.data).toEqual({ searchServiceUsers: [] });
    }
  });

  it('refuses a name with no word to search by as BAD_USER_INPUT on the name, not on the NHS number', async () => {
    // Act: words of one letter, or none, are not indexed; beside a postcode such a name was dropped, and the search
    // found people whatever their name.
    const results = await Promise.all(
      [{ name: 'J' }, { name: ' - ' }, { name: 'J', postcode: ZOE.postcode }].map((variables) =>
        search(world.manager.token, variables),
      ),
    );

    // Assess
    for (const result of results) {
      expect(errorsOf(result)).toEqual([
        { code: 'BAD_USER_INPUT', path: ['searchServiceUsers'], field: ['name'] },
      ]);
      expect(result.errors?.[0]?.message).toContain('two letters');
    }
  });

  it('finds a client whose index entry comes after the first 500 of its bucket', async () => {
    // Prepare: a bucket as full as a common surname's in a large organisation. The other entries sort before the
    // client's and name no one held: a search reads and then drops them.
    const own = await serviceWorld(api);
    const id = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Quillon Marsh' });
    const clientId = localIdOf(id);
    const others = await fillNameBucket(api, own.org.orgId, 'marsh', 520);
    expect(others.every((other) => other < clientId)).toBe(true);

    // Act
    const result = await search(own.manager.token, { name: 'marsh' });

    // Assess
    expectNoErrors(result);
    expect(result.data?.searchServiceUsers).toEqual([{ id, name: 'Quillon Marsh' }]);
  });

  it('stores no name, postcode or NHS number in clear anywhere in the table, keys and index keys included', async () => {
    // Act
    const items = await organisationItems(api, world.org.orgId, {
      tables: [api.services.config.tables.data, api.services.config.tables.keys],
      includeAudit: true,
    });

    // Assess: every attribute name and value of every item, binaries read as text too
    const forbidden = [
      /bront[eë]/i,
      /haworth/i,
      /YO31\s*7QX/i,
      /LS6\s*2QW/i,
      /4857773007/,
      /485 777 3007/,
      /9434765919/,
      /zb@example/i,
      /Smith/,
    ];
    expect(items.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const { item } of items) {
      for (const [attribute, value] of Object.entries(item)) {
        for (const text of [attribute, ...attributeStrings(value)]) {
          for (const pattern of forbidden) {
            if (pattern.test(text)) leaks.push(`${item.pk?.S}|${item.sk?.S} ${attribute} ~ ${pattern}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
