import { schema } from '@confide/api';
import { tenantScope } from '@confide/store';
import {
  type GraphQLArgument,
  type GraphQLInputType,
  getNamedType,
  isInputObjectType,
  isScalarType,
} from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeCase,
  closeLocalRetentions,
  eraseWithApproval,
  retentionApi,
  retentionWorld,
} from '../retention/retention-support';
import { captureOutput } from '../support/capture-output';
import { allocate, expectNoErrors, recordNote, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { auditItems, canariesIn, canary, organisationItems } from './canaries-support';

/**
 * Issue 17 "Done when": DATA-PROTECTION.md's "never in logs, errors, notifications or audit" holds for every
 * free-text input. The inputs are enumerated from the schema itself (every String argument and input field of every
 * query and mutation, and of every directive a request may carry), so a new one cannot be forgotten: it must be
 * seeded here, or listed as structural with a reason, or listed as not yet driven (which the report names).
 * The seeded canaries are then looked for in every audit item of the organisation, scanned from DynamoDB Local as
 * stored, and in everything the process wrote to stdout and stderr while the requests ran.
 */

/** Every String input a request can carry: `Type.field(arg)` or `Type.field(arg).inputField…`, `@directive(arg)`. */
function freeTextInputs(): string[] {
  const found: string[] = [];
  const visit = (path: string, type: GraphQLInputType, seen: ReadonlySet<string>) => {
    const named = getNamedType(type);
    if (isScalarType(named)) {
      if (named.name === 'String') found.push(path);
    } else if (isInputObjectType(named) && !seen.has(named.name)) {
      for (const field of Object.values(named.getFields()))
        visit(`${path}.${field.name}`, field.type, new Set([...seen, named.name]));
    }
  };
  const args = (prefix: string, list: readonly GraphQLArgument[]) => {
    for (const arg of list) visit(`${prefix}(${arg.name})`, arg.type, new Set());
  };
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) args(`${root.name}.${field.name}`, field.args);
  }
  const executable = new Set([
    'QUERY',
    'MUTATION',
    'SUBSCRIPTION',
    'FIELD',
    'FRAGMENT_SPREAD',
    'INLINE_FRAGMENT',
  ]);
  for (const directive of schema.getDirectives()) {
    if (['include', 'skip', 'deprecated', 'specifiedBy', 'oneOf'].includes(directive.name)) continue;
    if (directive.locations.some((location) => executable.has(location)))
      args(`@${directive.name}`, directive.args);
  }
  return found.sort();
}

/**
 * Inputs that cannot carry free text, each with why. Matched by the input's last name (cursors, ids, dates) or by
 * its full path.
 */
const STRUCTURAL_NAMES: Record<string, string> = {
  after: 'an opaque pagination cursor, validated and never stored',
  before: 'an opaque pagination cursor, validated and never stored',
  requestId: 'an id (dis_…), checked against the id format before use',
  consentId: 'an id, checked against the id format',
  permissionId: 'an id, checked against the id format',
  allocationId: 'an id, checked against the id format',
  clientId: 'a partner app client id, checked against its format',
  receivedOn: 'a calendar date (YYYY-MM-DD), format-validated',
  endedOn: 'a calendar date (YYYY-MM-DD), format-validated',
  toldOn: 'a calendar date (YYYY-MM-DD), format-validated',
  dateOfBirth: 'a calendar date, format-validated (sealed under the person’s key like every field)',
  fromMonth: 'a month (YYYY-MM), format-validated',
  toMonth: 'a month (YYYY-MM), format-validated',
  status: 'an enum written as a string, checked against its values',
  timeZone: 'an IANA time zone name, checked against the known zones',
  workingHoursStart: 'a time of day (HH:MM), format-validated',
  workingHoursEnd: 'a time of day (HH:MM), format-validated',
  handle: 'a handle: lower-case letters, digits and dots, format-validated',
  firstAdminHandle: 'a handle: lower-case letters, digits and dots, format-validated',
  secondAdminHandle: 'a handle: lower-case letters, digits and dots, format-validated',
  slug: 'an organisation slug: lower-case letters, digits and hyphens',
  nhsNumber: 'ten digits with a check digit (sealed, and indexed only by a keyed beacon)',
  postcode: 'a UK postcode, format-validated (sealed, and indexed only by a keyed beacon)',
  phone: 'digits, spaces and + only, format-validated (sealed)',
  objectReference: 'an opaque storage reference checked against its format',
  'Mutation.suspendOperator(operatorId)':
    'an operator’s subject: letters, digits and ._:- only, format-validated (decision 0106)',
  'Mutation.waiveOrganisationExport(reference)':
    'a controller’s reference for an export waiver: letters, digits and ._/- only, format-validated (decision 0034)',
};

/** Seeded with a canary below. */
const DRIVEN = [
  '@purpose(reason)',
  'Query.searchServiceUsers(name)',
  'Query.searchServiceUsersConnection(name)',
  'Mutation.createService(name)',
  'Mutation.registerServiceUser(input).name',
  'Mutation.registerServiceUser(input).address',
  'Mutation.registerServiceUser(input).email',
  'Mutation.registerServiceUser(input).preferredContact',
  'Mutation.registerServiceUser(input).idempotencyKey',
  'Mutation.recordNote(input).body',
  'Mutation.recordNote(input).idempotencyKey',
  'Mutation.recordNote(input).authorOrganisation',
  'Mutation.amendNote(input).body',
  'Mutation.correctContactDetails(input).email',
  'Mutation.correctContactDetails(input).preferredContact',
  'Mutation.recordConsent(input).representativeName',
  'Mutation.recordConsent(input).capacityNote',
  'Mutation.openEmergencyAccess(detail)',
  'Mutation.placeLegalHold(reason)',
  'Mutation.liftLegalHold(reason)',
  'Mutation.eraseServiceUser(reason)',
  'Mutation.recordConsent(input).agencyName',
  'Mutation.recordMedia(input).caption',
  'Mutation.recordAuthorAuthority(reference)',
  'Mutation.receiveDisclosureRequest(input).purpose',
  'Mutation.receiveDisclosureRequest(input).requesterContact',
  'Mutation.receiveDisclosureRequest(input).requesterOrganisation',
  'Mutation.escalateDisclosureRequest(reasoning)',
  'Mutation.decideDisclosureRequest(reasoning)',
  'Mutation.releaseDisclosure(input).redactions',
  'Mutation.recordExceptionalDisclosure(input).reasonNotInformed',
  'Mutation.recordExceptionalDisclosure(input).reasoning',
  'Mutation.recordExceptionalDisclosure(input).recipient',
  'Mutation.completeDisclosureReview(notes)',
  'Mutation.recordDisclosureToldToPerson(how)',
  'Mutation.correctDisclosureEntry(reasoning)',
  'Mutation.recordReferral(input).referrerReference',
  'Query.referralStatus(reference)',
];

/** Seeded with a canary in the organisation's own workflows (the second test below). */
const DRIVEN_ORGANISATION = [
  'Mutation.addStaffMember(input).displayName',
  'Mutation.assessBreach(containment)',
  'Mutation.publishConfidentialityPolicy(title)',
  'Mutation.recordReferencePermission(recipient)',
  'Mutation.registerPartnerAgency(name)',
  'Mutation.releaseReference(recipient)',
  'Mutation.releaseReference(summary)',
  'Mutation.reportBreach(input).categories',
  'Mutation.reportBreach(input).containment',
  'Mutation.reportBreach(input).nature',
  'Mutation.updatePersonnelRecord(input).emergencyContact',
  'Mutation.updatePersonnelRecord(input).homeAddress',
  'Mutation.updatePersonnelRecord(input).personalPhone',
  'Mutation.updatePersonnelRecord(input).personnelNotes',
  'Mutation.onboardOrganisation(input).dataProcessingAgreement',
  'Mutation.onboardOrganisation(input).firstAdminDisplayName',
  'Mutation.onboardOrganisation(input).firstAdminEmail',
  'Mutation.onboardOrganisation(input).secondAdminDisplayName',
  'Mutation.onboardOrganisation(input).secondAdminEmail',
  'Mutation.onboardOrganisation(input).name',
  'Mutation.inviteStaffMember(input).email',
];

/**
 * Free-text inputs this test does not seed yet. Empty: every free-text input is seeded above (issue 17). A new input
 * is seeded in one of the tests below; listing it here is a stopgap the coverage check still names.
 */
const NOT_YET_DRIVEN: string[] = [];

const lastName = (path: string) =>
  path
    .replace(/\(([^)]*)\)/g, '.$1')
    .split('.')
    .at(-1) ?? path;
const structuralReason = (path: string) => STRUCTURAL_NAMES[path] ?? STRUCTURAL_NAMES[lastName(path)];

/** Everything written to stdout, stderr and the console (the loggers' and anyone's) while `work` runs. */
async function capturingOutput<T>(work: () => Promise<T>): Promise<{ result: T; output: string }> {
  const captured = captureOutput();
  try {
    const result = await work();
    return { result, output: captured.lines.join('') };
  } finally {
    captured.stop();
  }
}

describe('canaries in every free-text input (issue 17, Done when)', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('knows every free-text input of the schema: seeded, structural with a reason, or named as not yet driven', () => {
    const inputs = freeTextInputs();
    const unaccounted = inputs.filter(
      (path) =>
        !DRIVEN.includes(path) &&
        !DRIVEN_ORGANISATION.includes(path) &&
        !NOT_YET_DRIVEN.includes(path) &&
        !structuralReason(path),
    );
    expect(unaccounted, 'seed these in this test, or list them with a reason').toEqual([]);
    const stale = [...DRIVEN, ...DRIVEN_ORGANISATION, ...NOT_YET_DRIVEN].filter(
      (path) => !inputs.includes(path),
    );
    expect(stale, 'listed but no longer in the schema').toEqual([]);
    expect(
      [...DRIVEN, ...DRIVEN_ORGANISATION].filter(
        (path) => NOT_YET_DRIVEN.includes(path) || structuralReason(path),
      ),
    ).toEqual([]);
  });

  it('finds no canary of the organisation’s own workflows (staff, personnel, references, breaches, partners, policy) in any audit item or log line', async () => {
    const seeded: string[] = [];
    const seed = (label: string) => {
      const value = canary(label);
      seeded.push(value);
      return value;
    };
    const world = await retentionWorld(api);
    const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
      const result = await api.graphql<Record<string, Record<string, unknown>>>(query, { token, variables });
      expectNoErrors(result);
      return result.data ?? {};
    };
    const inDays = (days: number) => new Date(clock.now().getTime() + days * 86_400_000).toISOString();
    let onboarded: string | undefined;

    const { output } = await capturingOutput(async () => {
      await gql(
        world.org.adminToken,
        'mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id } }',
        {
          input: {
            handle: `canary.${Date.now()}`,
            displayName: `Sam ${seed('displayname')}`,
            roles: ['VOLUNTEER'],
          },
        },
      );
      // Locally there is no user pool: the invitation is refused (BAD_USER_INPUT naming it), the address unechoed.
      const invitee = await addStaff(api, world.org, ['SUPPORT_WORKER']);
      const invitedEmail = `${seed('inviteemail').toLowerCase()}@example.org`;
      const invited = await api.graphql(
        'mutation ($input: InviteStaffMemberInput!) { inviteStaffMember(input: $input) { id } }',
        {
          token: world.org.adminToken,
          variables: { input: { staffId: invitee.globalId, email: invitedEmail } },
        },
      );
      expect(invited.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(invited.text).not.toContain(invitedEmail);
      const hr = await addStaff(api, world.org, ['HR_OFFICER']);
      const subject = await addStaff(api, world.org, ['SUPPORT_WORKER']);
      await gql(
        hr.token,
        'mutation ($input: UpdatePersonnelRecordInput!) { updatePersonnelRecord(input: $input) { version } }',
        {
          input: {
            staffId: subject.globalId,
            homeAddress: `4 ${seed('homeaddress')} Close`,
            personalPhone: '07700 900456',
            emergencyContact: `Sam ${seed('emergencycontact')}`,
            personnelNotes: seed('personnelnotes'),
          },
        },
      );
      // personalPhone is digits only: a canary cannot be typed into it, so it is seeded as the phone itself.
      seeded.push('07700 900456');
      const recipient = `Acme ${seed('refrecipient')}`;
      await gql(
        subject.token,
        'mutation ($id: ID!, $r: String!, $e: DateTime!) { recordReferencePermission(staffId: $id, recipient: $r, expiresAt: $e) { id } }',
        { id: subject.globalId, r: recipient, e: inDays(30) },
      );
      await gql(
        hr.token,
        'mutation ($id: ID!, $r: String!, $s: String!) { releaseReference(staffId: $id, recipient: $r, summary: $s) { id } }',
        { id: subject.globalId, r: recipient, s: seed('refsummary') },
      );
      const reported = await gql(
        world.ig.token,
        'mutation ($i: ReportBreachInput!) { reportBreach(input: $i) { id version } }',
        {
          i: {
            discoveredAt: new Date(clock.now().getTime() - 3_600_000).toISOString(),
            nature: seed('breachnature'),
            categories: [seed('breachcategory')],
            approximateSubjects: 1,
            containment: seed('breachcontainment'),
          },
        },
      );
      const breach = reported.reportBreach as { id: string; version: number };
      await gql(
        world.ig.token,
        'mutation ($id: ID!, $c: String, $v: Int!) { assessBreach(breachId: $id, reportable: false, containment: $c, expectedVersion: $v) { id } }',
        { id: breach.id, c: seed('assesscontainment'), v: breach.version },
      );
      await gql(
        world.org.adminToken,
        'mutation ($n: String!, $c: String) { registerPartnerAgency(name: $n, clientId: $c) { id } }',
        { n: `Agency ${seed('agencyname')}`, c: `canary-${Date.now()}` },
      );
      const slug = `canary-${Math.random().toString(36).slice(2, 10)}`;
      const created = await gql(
        await api.operatorToken(),
        'mutation ($input: OnboardOrganisationInput!) { onboardOrganisation(input: $input) { organisation { id } } }',
        {
          input: {
            name: `Charity ${seed('orgname')}`,
            slug,
            preset: 'STRICT',
            firstAdminHandle: 'admin',
            firstAdminDisplayName: `Ada ${seed('admindisplayname')}`,
            firstAdminEmail: `${seed('adminemail').toLowerCase()}@example.org`,
            secondAdminHandle: 'second.admin',
            secondAdminDisplayName: `Bea ${seed('secondadmindisplayname')}`,
            secondAdminEmail: `${seed('secondadminemail').toLowerCase()}@example.org`,
            dataProcessingAgreement: `DPA ${seed('dpa')}`,
          },
        },
      );
      onboarded = (created.onboardOrganisation as { organisation: { id: string } }).organisation.id;
      await gql(
        world.org.adminToken,
        'mutation ($t: String!) { publishConfidentialityPolicy(title: $t) { id } }',
        {
          t: `Policy ${seed('policytitle')}`,
        },
      );
    });

    const audit = [
      ...(await auditItems(api, world.org.orgId)),
      ...(onboarded ? await auditItems(api, onboarded as never) : []),
    ];
    const leaked = canariesIn(audit, seeded);
    expect(leaked, JSON.stringify(audit.filter((item) => canariesIn([item], leaked).length > 0))).toEqual([]);
    expect(seeded.filter((value) => output.includes(value))).toEqual([]);
    const platform = await api.services.platformAudit.list({ limit: 500 });
    expect(seeded.filter((value) => JSON.stringify(platform).includes(value))).toEqual([]);
  });

  it('finds no canary in any audit item or any line written to stdout or stderr', async () => {
    const seeded: string[] = [];
    /** Canaries in the organisation's own records (a service's name): not the person's, so not erased with them. */
    const organisational = new Set<string>();
    const seed = (label: string, options: { organisational?: boolean } = {}) => {
      const value = canary(label);
      seeded.push(value);
      if (options.organisational) organisational.add(value);
      return value;
    };
    const world = await retentionWorld(api);
    const gql = async (
      token: string,
      query: string,
      variables: Record<string, unknown> = {},
      headers = {},
    ) => {
      const result = await api.graphql<Record<string, Record<string, unknown>>>(query, {
        token,
        variables,
        headers,
      });
      expectNoErrors(result);
      return result.data ?? {};
    };

    const { output } = await capturingOutput(async () => {
      const senior = await addStaff(api, world.org, ['ORG_ADMIN', 'SENIOR_MANAGER']);
      await gql(senior.token, 'mutation ($n: String!) { createService(name: $n) { id } }', {
        n: seed('service', { organisational: true }),
      });
      const registered = await gql(
        world.manager.token,
        'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id version } }',
        {
          input: {
            serviceId: world.serviceId,
            name: `Ada ${seed('name')}`,
            dateOfBirth: '1980-12-10',
            address: `12 ${seed('address')} Row, Leeds`,
            email: `${seed('email').toLowerCase()}@example.org`,
            preferredContact: `Phone ${seed('contact')}`,
            idempotencyKey: seed('registerkey'),
          },
        },
        { 'x-access-purpose': `Referral letter about ${seed('header')}`, 'x-request-id': seed('requestid') },
      );
      const client = registered.registerServiceUser as { id: string; version: number };
      const id = client.id;
      await allocate(api, world.manager, id, world.worker);
      await gql(
        world.worker.token,
        'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }',
        {
          input: {
            serviceUserId: id,
            kind: 'DAILY_SUPPORT',
            body: seed('body'),
            idempotencyKey: seed('notekey'),
          },
        },
      );
      const noteId = await recordNote(api, world.worker, id, 'CORRESPONDENCE', seed('letter'), {
        authorOrganisation: seed('authororg'),
      });
      await gql(
        world.worker.token,
        'mutation ($input: AmendNoteInput!) { amendNote(input: $input) { id } }',
        { input: { noteId, body: seed('amended'), expectedVersion: 1 } },
      );
      await gql(
        world.manager.token,
        `query ($id: ID!) @purpose(reason: "Call with ${seed('directive')}") { serviceUser(id: $id) { name } }`,
        { id },
      );
      await gql(
        world.manager.token,
        'mutation ($input: CorrectContactDetailsInput!) { correctContactDetails(input: $input) { id } }',
        {
          input: {
            serviceUserId: id,
            expectedVersion: client.version,
            email: `${seed('newemail').toLowerCase()}@example.org`,
            preferredContact: `Text ${seed('newcontact')}`,
          },
        },
      );
      await gql(
        world.manager.token,
        'mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }',
        {
          input: {
            serviceUserId: id,
            scope: 'GP',
            method: 'SIGNED_FORM',
            givenBy: 'REPRESENTATIVE',
            representativeName: `Mr ${seed('representative')}`,
            capacityNote: seed('capacity'),
          },
        },
      );
      // The agency whose app the release below goes to: the consent names it, as a consent must name the recipient.
      const partnerClientId = `canary-${Math.random().toString(36).slice(2, 10)}`;
      const partner = await gql(
        world.org.adminToken,
        'mutation ($c: String!) { registerPartnerAgency(name: "County Council", clientId: $c) { id } }',
        { c: partnerClientId },
      );
      const partnerId = (partner.registerPartnerAgency as { id: string }).id;
      const agency = `${seed('agency')} Surgery`;
      await gql(
        world.manager.token,
        'mutation ($id: ID!, $a: String!, $p: ID!) { recordConsent(input: { serviceUserId: $id, scope: NAMED_AGENCY, agencyName: $a, partnerId: $p, method: SIGNED_FORM, givenBy: CLIENT, purposes: [CARE_COORDINATION] }) { id } }',
        { id, a: agency, p: partnerId },
      );
      await gql(
        world.manager.token,
        'mutation ($id: ID!) { recordConsent(input: { serviceUserId: $id, scope: PUBLICITY_IMAGES, method: SIGNED_FORM, givenBy: CLIENT }) { id } }',
        { id },
      );
      await gql(
        world.worker.token,
        'mutation ($input: RecordMediaInput!) { recordMedia(input: $input) { id } }',
        {
          input: {
            serviceUserId: id,
            kind: 'PHOTO',
            purpose: 'PUBLICITY',
            caption: `At the fair with ${seed('caption')}`,
            objectReference: 's3://confide-media/canary-0001.jpg',
          },
        },
      );
      await gql(
        world.manager.token,
        'mutation ($n: ID!, $r: String!) { recordAuthorAuthority(noteId: $n, reference: $r) }',
        { n: noteId, r: `Letter ${seed('authority')}` },
      );
      // A disclosure from request to release, every free-text step seeded (a redaction names text it replaces).
      const redacted = seed('redaction');
      const releasable = await recordNote(api, world.worker, id, 'DAILY_SUPPORT', `Spoke about ${redacted}`);
      const received = await gql(
        world.manager.token,
        'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }',
        {
          input: {
            serviceUserId: id,
            requesterOrganisation: agency,
            requesterContact: `Duty worker ${seed('requestercontact')}`,
            purpose: `Assessment of ${seed('requestpurpose')}`,
            purposeCategory: 'CARE_COORDINATION',
            legalBasis: 'CONSENT',
            itemIds: [releasable],
            receivedOn: clock.now().toISOString().slice(0, 10),
            identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
            partnerId,
          },
        },
      );
      const requestId =
        (received.receiveDisclosureRequest as unknown as { requestId: string }[])[0]?.requestId ?? '';
      await gql(
        world.manager.token,
        'mutation ($c: ID!, $r: String!, $why: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: $why) { kind } }',
        { c: id, r: requestId, why: seed('escalate') },
      );
      const discloser = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
      await gql(
        discloser.token,
        'mutation ($c: ID!, $r: String!, $why: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: $why) { kind } }',
        { c: id, r: requestId, why: seed('decide') },
      );
      await gql(
        world.manager.token,
        'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }',
        {
          input: {
            serviceUserId: id,
            requestId,
            itemIds: [releasable],
            redactions: [redacted],
            method: 'PARTNER_APP',
            grantExpiresAt: new Date(clock.now().getTime() + 7 * 86_400_000).toISOString(),
          },
        },
      );
      await gql(
        world.manager.token,
        'mutation ($c: ID!, $r: String!, $why: String!) { correctDisclosureEntry(serviceUserId: $c, requestId: $r, reasoning: $why) { kind } }',
        { c: id, r: requestId, why: seed('correction') },
      );
      // A referral from the partner, and the partner asking after it by its own reference.
      const reference = `REF-${seed('referrerreference')}`;
      await gql(
        world.manager.token,
        'mutation ($input: RecordReferralInput!) { recordReferral(input: $input) { id } }',
        {
          input: {
            serviceUserId: id,
            partnerId: (partner.registerPartnerAgency as { id: string }).id,
            referrerReference: reference,
            receivedOn: clock.now().toISOString().slice(0, 10),
          },
        },
      );
      const partnerToken = await api.token({
        sub: partnerClientId,
        client_id: partnerClientId,
        org_id: world.org.orgId,
      });
      await gql(partnerToken, 'query ($r: String!) { referralStatus(reference: $r) { received } }', {
        r: reference,
      });
      // An exceptional disclosure without consent, and the review it raises.
      const concern = await recordNote(api, world.worker, id, 'SAFEGUARDING_CONCERN', seed('concern'));
      const exceptional = await gql(
        world.worker.token,
        'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }',
        {
          input: {
            serviceUserId: id,
            recipient: `Police officer ${seed('exceptionalrecipient')}`,
            legalBasis: 'SAFEGUARDING',
            reasoning: seed('exceptionalreasoning'),
            itemIds: [concern],
            clientInformed: false,
            reasonNotInformed: seed('notinformed'),
          },
        },
      );
      // The person told later, and how (decision 0145).
      await gql(
        world.manager.token,
        'mutation ($id: ID!, $r: String!, $on: String!, $how: String!) { recordDisclosureToldToPerson(serviceUserId: $id, requestId: $r, toldOn: $on, how: $how) { kind } }',
        {
          id,
          r: (exceptional.recordExceptionalDisclosure as { requestId: string }).requestId,
          on: clock.now().toISOString().slice(0, 10),
          how: `In person, ${seed('toldhow')}`,
        },
      );
      const reviews = await gql(world.manager.token, '{ disclosureReviews(status: PENDING) { id } }');
      const reviewId = (reviews.disclosureReviews as unknown as { id: string }[])[0]?.id ?? '';
      await gql(
        world.manager.token,
        'mutation ($id: ID!, $notes: String!) { completeDisclosureReview(reviewId: $id, outcome: JUSTIFIED, notes: $notes) { id } }',
        { id: reviewId, notes: seed('reviewnotes') },
      );
      await gql(world.manager.token, 'query ($n: String) { searchServiceUsers(name: $n) { id } }', {
        n: `Ada ${seed('search')}`,
      });
      await gql(
        world.manager.token,
        'query ($n: String) { searchServiceUsersConnection(name: $n, first: 2) { edges { node { id } } } }',
        { n: `Ada ${seed('searchpage')}` },
      );
      const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);
      await gql(
        stranger.token,
        'mutation ($id: ID!, $d: String!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY, detail: $d) { id } }',
        { id, d: seed('emergency') },
      );
      await gql(
        world.ig.token,
        'mutation ($id: ID!, $r: String!) { placeLegalHold(serviceUserId: $id, reason: $r) { reason } }',
        {
          id,
          r: seed('hold'),
        },
      );
      await gql(
        world.ig.token,
        'mutation ($id: ID!, $r: String!) { liftLegalHold(serviceUserId: $id, reason: $r) { liftReason } }',
        {
          id,
          r: seed('lift'),
        },
      );
      // Before erasure: nothing in clear in the audit.
      expect(canariesIn(await auditItems(api, world.org.orgId), seeded)).toEqual([]);
      const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
      // The emergency access is reviewed before the erasure, which waits for it (decision 0070).
      const pending = await gql(guardian.token, '{ emergencyAccessReviews(status: "PENDING") { id } }');
      for (const review of pending.emergencyAccessReviews as unknown as { id: string }[]) {
        await gql(
          guardian.token,
          'mutation ($r: ID!) { completeEmergencyAccessReview(reviewId: $r, outcome: JUSTIFIED) { id } }',
          { r: review.id },
        );
      }
      expectNoErrors(await closeCase(api, world.manager, id));
      expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id, `Letter from ${seed('erasure')}`));
      // A second person, so that the organisation's audit holds a living person's events too.
      await registerServiceUser(api, world.manager, world.serviceId);
    });

    expect(seeded.length).toBeGreaterThanOrEqual(DRIVEN.length);
    const audit = await auditItems(api, world.org.orgId);
    const leaked = canariesIn(audit, seeded);
    expect(leaked, JSON.stringify(audit.filter((item) => canariesIn([item], leaked).length > 0))).toEqual([]);
    // The loggers' lines were caught (they reach vitest through the console, not process.stdout), so the next check
    // looks at real output.
    expect(output).not.toBe('');
    expect(seeded.filter((value) => output.includes(value))).toEqual([]);
    // After the erasure nothing of what was said about the person is anywhere in the organisation's items.
    const aboutThePerson = seeded.filter((value) => !organisational.has(value));
    expect(canariesIn(await organisationItems(api, world.org.orgId), aboutThePerson)).toEqual([]);
    expect((await api.services.auditLog.verify(tenantScope(world.org.orgId))).ok).toBe(true);
  });
});
