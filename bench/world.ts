import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type ConfideConfig, type ConfideServices, onboardOrganisation } from '@confide/api';
import { type NoteKind, newId, type OrgId } from '@confide/domain';
import { type LocalStack, mintToken } from '@confide/local';
import { type Item, itemKeyOf, sealFields, tenantScope } from '@confide/store';

/**
 * The benchmark's data: one small organisation seeded through the stores (the one every figure is measured on),
 * and the scale case (500 organisations, 100,000 clients) around it.
 */

export const SMALL_CLIENTS = 100;
export const CASELOAD_SIZE = 50;
export const SCALE_ORGS = 500;
export const SCALE_CLIENTS = 100_000;

export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let index = next++; index < items.length; index = next++) await work(items[index] as T, index);
    }),
  );
}

export interface SmallWorld {
  readonly orgId: OrgId;
  /** The support worker's identity-provider subject (the login read's identity item). */
  readonly workerSubject: string;
  readonly serviceId: string;
  readonly workerId: string;
  readonly workerToken: string;
  readonly caseload: readonly string[];
  readonly others: readonly string[];
}

export const details = (index: number) => ({
  name: `Bench Client ${index}`,
  dateOfBirth: '1980-12-10',
  address: `${index} Benchmark Row, Leeds`,
  postcode: 'LS1 4AB',
  nhsNumber: '9434765919',
  phone: '07700 900123',
  email: `client${index}@example.org`,
  preferredContact: 'Phone in the mornings',
});

/** One organisation, 100 clients, 50 of them on a support worker's caseload with notes: all through the stores. */
export async function seedSmall(services: ConfideServices, stack: LocalStack): Promise<SmallWorld> {
  const { organisation } = await onboardOrganisation(services, {
    name: 'Benchmark charity',
    slug: 'bench-small',
    preset: 'STRICT',
    firstAdmin: { handle: 'bench.admin', displayName: 'Bench Admin' },
  });
  const scope = tenantScope(organisation.orgId);
  const worker = await services.directory.addStaff(scope, {
    handle: 'bench.worker',
    displayName: 'Bench Worker',
    roles: ['SUPPORT_WORKER'],
  });
  const service = await services.careServices.create(scope, 'Supported living');
  await services.careServices.addStaff(scope, service.serviceId, worker.staffId, 'members');
  const clients: string[] = [];
  await inParallel(
    Array.from({ length: SMALL_CLIENTS }, (_, index) => index),
    16,
    async (index) => {
      const { clientId } = await services.serviceUsers.register(scope, {
        serviceId: service.serviceId,
        details: details(index),
      });
      clients[index] = clientId;
    },
  );
  const caseload = clients.slice(0, CASELOAD_SIZE);
  const notes: { kind: NoteKind; body: string }[] = [
    { kind: 'MEDICAL', body: 'Medication review: morning dose now 10 mg.' },
    { kind: 'DAILY_SUPPORT', body: 'Evening visit: settled, ate well, asked about the weekend trip.' },
  ];
  await inParallel(caseload, 16, async (clientId) => {
    const allocation = await services.serviceUsers.allocate(scope, clientId, {
      staffId: worker.staffId,
      kind: 'PRIMARY',
    });
    const key = await services.keys.subjectKey(organisation.orgId, clientId);
    if (!key) throw new Error('Seeded client without a subject key.');
    for (const note of notes) {
      // As recordNote does: the allocation is told of the latest note (the caseload's hint).
      await services.caseNotes.record(
        scope,
        clientId,
        key,
        { ...note, authorId: worker.staffId },
        { allocationIds: [allocation.allocationId] },
      );
    }
  });
  const workerToken = await mintToken(
    stack.dataDir,
    { issuer: stack.issuer, audience: stack.audience, expiresIn: '2h' },
    { sub: worker.externalSubject, org_id: organisation.orgId, staff_id: worker.staffId },
  );
  return {
    orgId: organisation.orgId,
    serviceId: service.serviceId,
    workerId: worker.staffId,
    workerToken,
    workerSubject: worker.externalSubject,
    caseload,
    others: clients.slice(CASELOAD_SIZE),
  };
}

/** Replaces ids (client id, reference, portal subject) in every string of an item: keys, index keys, attributes. */
export function withIds(value: AttributeValue, ids: ReadonlyMap<string, string>): AttributeValue {
  if (value.S !== undefined) {
    let text = value.S;
    for (const [from, to] of ids) text = text.replaceAll(from, to);
    return { S: text };
  }
  if (value.M)
    return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, withIds(v, ids)])) };
  if (value.L) return { L: value.L.map((v) => withIds(v, ids)) };
  return value;
}

export async function batchWrite(dynamo: DynamoDBClient, table: string, items: Item[]): Promise<void> {
  for (let start = 0; start < items.length; start += 25) {
    let request: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
      [table]: items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: item } })),
    };
    while (request && Object.keys(request).length > 0) {
      const result = await dynamo.send(new BatchWriteItemCommand({ RequestItems: request }));
      request = result.UnprocessedItems as typeof request;
    }
  }
}

export interface ScaleSeeding {
  readonly organisations: number;
  readonly clients: number;
  readonly throughStores: number;
  readonly copied: number;
  readonly items: number;
  readonly seconds: number;
}

/**
 * 499 more organisations, onboarded for real (KMS key, branch and beacon keys, organisation item, admin), each
 * with one client registered through the real store; the rest of the 100,000 clients are BatchWriteItem copies of
 * that client's profile item with new ids, re-sealed for their own item key under its subject key. Onboarding
 * workers feed a pool of concurrent BatchWriteItem writers.
 */
export async function seedScale(
  services: ConfideServices,
  config: ConfideConfig,
  existingClients: number,
  progress: (message: string) => void,
): Promise<ScaleSeeding> {
  const started = performance.now();
  const organisations = SCALE_ORGS - 1;
  const copies = SCALE_CLIENTS - existingClients - organisations;
  const perOrg = Array.from(
    { length: organisations },
    (_, index) => Math.floor(copies / organisations) + (index < copies % organisations ? 1 : 0),
  );
  let throughStores = 0;
  let copied = 0;
  let items = 0;
  const pending: Item[][] = [];
  let producing = true;
  const writers = Array.from({ length: 16 }, async () => {
    for (;;) {
      const batch = pending.shift();
      if (batch) {
        await batchWrite(services.dynamo, config.tables.data, batch);
        items += batch.length;
      } else if (producing) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      } else {
        return;
      }
    }
  });
  try {
    await inParallel(perOrg, 8, async (clients, index) => {
      const { organisation } = await onboardOrganisation(services, {
        name: `Scale charity ${index}`,
        slug: `scale-${index}`,
        preset: 'STRICT',
        firstAdmin: { handle: 'admin', displayName: 'Scale Admin' },
      });
      const scope = tenantScope(organisation.orgId);
      const service = await services.careServices.create(scope, 'Supported living');
      const template = await services.serviceUsers.register(scope, {
        serviceId: service.serviceId,
        details: details(0),
      });
      throughStores++;
      const key = await services.keys.subjectKey(organisation.orgId, template.clientId);
      const profile = (
        await services.dynamo.send(
          new GetItemCommand({
            TableName: config.tables.data,
            Key: { pk: { S: scope.key('CLIENT', template.clientId) }, sk: { S: 'PROFILE' } },
          }),
        )
      ).Item;
      const reference = profile?.reference?.S;
      const subject = profile?.externalSubject?.S;
      if (!key || !profile || !reference || !subject) throw new Error('Template client not registered.');
      let batch: Item[] = [];
      for (let copy = 0; copy < clients; copy++) {
        const clientId = newId('serviceUser');
        const ids = new Map([
          [template.clientId, clientId],
          [reference, `SU-${clientId.slice(-8).toUpperCase()}`],
          [subject, newId('subject')],
        ]);
        const item = Object.fromEntries(
          Object.entries(profile).map(([name, value]) => [name, withIds(value, ids)]),
        ) as Item;
        batch.push({
          ...item,
          ...sealFields(key, itemKeyOf(item.pk?.S ?? '', 'PROFILE'), details(copy + 1)),
        });
        if (batch.length === 25) {
          pending.push(batch);
          batch = [];
        }
        copied++;
      }
      if (batch.length > 0) pending.push(batch);
      if ((index + 1) % 100 === 0) progress(`  scale seeding: ${index + 1} organisations onboarded`);
    });
  } finally {
    producing = false;
    await Promise.all(writers);
  }
  return {
    organisations: organisations + 1,
    clients: existingClients + throughStores + copied,
    throughStores,
    copied,
    items,
    seconds: (performance.now() - started) / 1000,
  };
}
