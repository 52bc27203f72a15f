import { describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { serviceUserToken } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { approvedSubjectAccessRequest } from './subject-access-fixtures';

/**
 * What the person is shown of who used their record — their own access log and their subject access export's access
 * summary — leaves out what is kept from them: an exceptional disclosure they were not told of ("the person then does
 * not see the disclosure in their own register or subject access export") and, while it is open, a safeguarding
 * investigation of them. Both views follow one rule, so a closed investigation's reads appear in both.
 */

const UNTOLD_PURPOSE = 'Canary-untold-purpose: told the police of the risk from her partner';
const TOLD_PURPOSE = 'Canary-told-purpose: ambulance called after a fall';
const OPENING_PURPOSE = 'Canary-opening-purpose: concern about the partner';
const INVESTIGATION_PURPOSE = 'Canary-investigation-purpose: interview preparation';

const DISCLOSE = `mutation ($input: ExceptionalDisclosureInput!, $why: String!) @purpose(reason: $why) {
  recordExceptionalDisclosure(input: $input) { requestId }
}`;
const OPEN = `mutation ($c: [ID!]!, $i: ID!, $why: String!) @purpose(reason: $why) {
  openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i)
}`;
const CLOSE = `mutation ($id: ID!, $c: [ID!]!) { closeSafeguardingInvestigation(investigationId: $id, serviceUserIds: $c) }`;
const READ = `query ($id: ID!, $why: String!) @purpose(reason: $why) { serviceUser(id: $id) { name } }`;
const OWN_LOG = '{ myAccessLog(first: 100) { edges { node { who why } } } }';
const EXPORT = 'query ($c: ID!) { subjectAccessExport(serviceUserId: $c) { document } }';

async function scene(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const [worker, guardian, ig, lead] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['SAFEGUARDING_LEAD']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'SAFEGUARDING_CONCERN', 'Bruising on both arms.');
  const disclose = async (clientInformed: boolean, why: string) =>
    expectNoErrors(
      await api.graphql(DISCLOSE, {
        token: worker.token,
        variables: {
          why,
          input: {
            serviceUserId: client,
            recipient: 'Neighbourhood police team',
            legalBasis: 'SAFEGUARDING',
            reasoning: 'Risk of serious harm.',
            itemIds: [note],
            clientInformed,
            ...(clientInformed ? {} : { reasonNotInformed: 'Telling her would increase the risk.' }),
          },
        },
      }),
    );
  const views = async () => {
    const person = await serviceUserToken(api, org.orgId, client);
    const log = await api.graphql<{ myAccessLog: { edges: { node: { who: string; why: string } }[] } }>(
      OWN_LOG,
      { token: person },
    );
    expectNoErrors(log);
    await approvedSubjectAccessRequest(api, ig, guardian, client);
    const exported = await api.graphql<{ subjectAccessExport: { document: string } }>(EXPORT, {
      token: ig.token,
      variables: { c: client },
    });
    expectNoErrors(exported);
    const document = exported.data?.subjectAccessExport.document ?? '';
    return { log: log.text, summary: JSON.stringify(JSON.parse(document).accessSummary) };
  };
  return { manager, senior, worker, lead, client, disclose, views };
}

describe('the person’s own views of who used their record', () => {
  const api = testApi();

  it('leave out an exceptional disclosure the person was not told of, and show one they were', async () => {
    // Prepare
    const s = await scene(api);

    // Act
    await s.disclose(false, UNTOLD_PURPOSE);
    await s.disclose(true, TOLD_PURPOSE);
    const { log, summary } = await s.views();

    // Assess
    expect(log).not.toContain('Canary-untold');
    expect(summary).not.toContain('Canary-untold');
    expect(log).toContain(TOLD_PURPOSE);
    expect(summary).toContain(TOLD_PURPOSE);
  });

  it('leave out a safeguarding investigation while it is open, and show its reads in both once it is closed', async () => {
    // Prepare
    const s = await scene(api);
    const opened = await api.graphql<{ openSafeguardingInvestigation: string }>(OPEN, {
      token: s.senior.token,
      variables: { c: [s.client], i: s.lead.globalId, why: OPENING_PURPOSE },
    });
    expectNoErrors(opened);
    expectNoErrors(
      await api.graphql(READ, {
        token: s.lead.token,
        variables: { id: s.client, why: INVESTIGATION_PURPOSE },
      }),
    );

    // Act
    const whileOpen = await s.views();
    expectNoErrors(
      await api.graphql(CLOSE, {
        token: s.senior.token,
        variables: { id: opened.data?.openSafeguardingInvestigation, c: [s.client] },
      }),
    );
    const afterClosing = await s.views();

    // Assess
    for (const view of [whileOpen.log, whileOpen.summary]) {
      expect(view).not.toContain('Canary-opening');
      expect(view).not.toContain('Canary-investigation');
    }
    expect(afterClosing.log).toContain(INVESTIGATION_PURPOSE);
    expect(afterClosing.summary).toContain(INVESTIGATION_PURPOSE);
  });
});
