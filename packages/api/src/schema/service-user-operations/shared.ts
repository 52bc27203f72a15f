import { notFound, validate } from '@confide/domain';
import type { ServiceUserDetails, ServiceUserRecord, TenantScope } from '@confide/store';
import type { OperationSubject } from '../../access/operation-plugin';
import type { ConfideContext } from '../../context';
import { localId, noteLocalId } from '../ids';

export const MAX_NOTE_LENGTH = 20_000;

/** How far back a case may be closed: a closure older than this is an erasure in effect, not a closure. */
export const CLOSURE_BACKDATE_DAYS = 30;

/**
 * The subject of an operation on one note: the note's client (NOT_FOUND for an id that names no client). Whether
 * the caller may know of it is the policy's to decide.
 */
export function clientOfNote<Args>(pick: (args: Args) => string | number) {
  return async (args: Args, context: ConfideContext): Promise<OperationSubject> => {
    const { clientId } = noteLocalId(pick(args));
    const client = await context.access.findClient(clientId);
    if (!client) throw notFound('Service user');
    return { kind: 'CLIENT', client };
  };
}

/** The subject of an operation on one service: NOT_FOUND for an id that names none. */
export function existingService<Args>(pick: (args: Args) => string | number) {
  return async (args: Args, context: ConfideContext): Promise<OperationSubject> => {
    const service = await context.access.service(localId(pick(args), 'Service', 'service'));
    if (!service) throw notFound('Service');
    return { kind: 'SERVICE', serviceId: service.serviceId };
  };
}

/** The local ids of staff named in an input, each an active member of the organisation, or BAD_USER_INPUT. */
export async function staffOfOrganisation(
  context: ConfideContext,
  scope: TenantScope,
  globalIds: readonly (string | number)[],
  field: string,
): Promise<string[]> {
  const ids = globalIds.map((id) => localId(id, 'StaffMember', 'staff', 'Staff member'));
  const staff = await Promise.all(ids.map((id) => context.services.directory.staff(scope, id)));
  if (staff.some((member) => member?.status !== 'ACTIVE')) {
    throw validate.badInputError(
      ['input', field],
      'Every staff member named must be an active member of this organisation.',
    );
  }
  return ids;
}

export interface DetailsInput {
  name: string;
  dateOfBirth: string;
  address?: string | null;
  postcode?: string | null;
  nhsNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  preferredContact?: string | null;
}

/** A person's details, checked field by field; `today` is the organisation's date (`organisationToday`). */
export function details(input: DetailsInput, today: string): ServiceUserDetails {
  const at = (field: string) => ['input', field];
  return {
    name: validate.text(at('name'), input.name, { max: 200 }),
    dateOfBirth: validate.pastDate(at('dateOfBirth'), input.dateOfBirth, today),
    address:
      input.address == null
        ? undefined
        : validate.text(at('address'), input.address, { max: 500, multiline: true }),
    postcode: input.postcode == null ? undefined : validate.postcode(at('postcode'), input.postcode),
    nhsNumber: input.nhsNumber == null ? undefined : validate.nhsNumber(at('nhsNumber'), input.nhsNumber),
    phone: input.phone == null ? undefined : validate.phone(at('phone'), input.phone),
    email: input.email == null ? undefined : validate.email(at('email'), input.email),
    preferredContact:
      input.preferredContact == null
        ? undefined
        : validate.text(at('preferredContact'), input.preferredContact, { max: 200 }),
  };
}

export function idempotencyKeyOf(value: string | null | undefined): string | undefined {
  return value == null ? undefined : validate.text(['input', 'idempotencyKey'], value, { max: 200 });
}

export function noteBody(value: string): string {
  return validate.text(['input', 'body'], value, { max: MAX_NOTE_LENGTH, multiline: true });
}

/** The client's profile as it is now (after a change in this request). */
export async function reload(
  context: ConfideContext,
  scope: TenantScope,
  clientId: string,
): Promise<ServiceUserRecord> {
  context.access.loader.forget(context.services.config.tables.data, scope.key('CLIENT', clientId), 'PROFILE');
  const client = await context.services.serviceUsers.get(scope, clientId, context.access.loader);
  if (!client) throw notFound('Service user');
  return client;
}
