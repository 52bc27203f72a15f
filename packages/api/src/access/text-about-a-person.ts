import type { SubjectKey } from '@confide/keys';
import type { ConfideContext } from '../context';
import { needToKnow } from './need-to-know';
import { structuralFields } from './personal-data';

/**
 * A field of free text someone typed about a person (a legal hold's reason, a break-glass detail, a reviewer's notes):
 * the person's CONSENT data, decided by the matrix and each read recorded against them (decision 0152). `clientId` is
 * undefined where there is no text yet (a hold not lifted, a review not completed): null, nothing decided or recorded.
 * It is null too once the person's records are gone.
 */
export function textAboutPerson<Parent>(
  clientId: (parent: Parent) => string | undefined,
  open: (parent: Parent, key: SubjectKey, context: ConfideContext) => string | undefined,
) {
  const person = (parent: Parent, context: ConfideContext) => {
    const id = clientId(parent);
    return id === undefined ? undefined : context.access.findClient(id);
  };
  return {
    ...needToKnow<Parent>('CONSENT', async (parent, context) => {
      const client = await person(parent, context);
      return client && { client };
    }),
    nullable: true as const,
    resolve: async (parent: Parent, _args: object, context: ConfideContext) => {
      const client = await person(parent, context);
      const key =
        client && (await context.access.loader.subjectKey(context.access.scope.orgId, client.clientId));
      return (key && open(parent, key, context)) ?? null;
    },
  };
}

/**
 * Declares a record about a person whose only personal data is such text: its other fields, named in `structural`
 * (space-separated), describe the record itself (who, when, which person, by id or pseudonymous reference).
 */
export const recordAboutPerson = (structural: string) =>
  structuralFields(structural, 'the record, not its person');
