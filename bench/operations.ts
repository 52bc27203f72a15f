import { CASELOAD_SIZE, globalId, type SmallWorld } from './world';

/** The three operations every budget is measured on, their query texts and request bodies. */

export const OPERATIONS = ['clientRead', 'caseload', 'noteWrite'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const LABEL: Record<Operation, string> = {
  clientRead: 'client read',
  caseload: `caseload of ${CASELOAD_SIZE}`,
  noteWrite: 'note write',
};
export type ServerName = 'confide' | 'baseline';

const QUERIES = {
  clientRead:
    'query ClientRead($id: ID!) { serviceUser(id: $id) { id reference name dateOfBirth postcode phone caseStatus } }',
  caseload: `query Caseload { caseload(first: ${CASELOAD_SIZE}) { edges { node {
    id name phone latestNote { id kind recordedAt ... on CareNote { body } } } } } }`,
  noteWrite:
    'mutation RecordNote($input: RecordNoteInput!) { recordNote(input: $input) { id kind recordedAt } }',
} as const;

export function bodiesFor(operation: Operation, world: SmallWorld, server: ServerName): string[] {
  const body = (query: string, variables: Record<string, unknown> = {}) =>
    JSON.stringify({ query, variables });
  switch (operation) {
    case 'clientRead':
      return world.caseload.map((id) => body(QUERIES.clientRead, { id: globalId('ServiceUser', id) }));
    case 'caseload':
      return [body(QUERIES.caseload)];
    case 'noteWrite': {
      // Confide writes to the worker's own clients (it checks the relationship); the baseline to the other half,
      // so that its plain-text notes never become a latest note that Confide reads.
      const clients = server === 'confide' ? world.caseload : world.others;
      return clients.map((id, index) =>
        body(QUERIES.noteWrite, {
          input: {
            serviceUserId: globalId('ServiceUser', id),
            kind: 'DAILY_SUPPORT',
            body: `Benchmark visit ${index}: walked to the shops together; chose and paid with prompting.`,
          },
        }),
      );
    }
  }
}

/** Confide first in odd repeats, the baseline first in even ones. */
export const order = (repeat: number): ServerName[] =>
  repeat % 2 === 0 ? ['confide', 'baseline'] : ['baseline', 'confide'];
