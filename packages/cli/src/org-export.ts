import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { organisationExports } from '@confide/api/provisioning';
import type { ConfideServices } from '@confide/api/services';
import { CLASSIFICATIONS, type Classification, classificationOf, type OrgId } from '@confide/domain';
import {
  type AuditEvent,
  EXPORT_REFERENCE,
  EXPORT_WAIVER_REASONS,
  type ExportWaiverReason,
  ItemLoader,
  SEALED_PROFILE_FIELDS,
  tenantScope,
} from '@confide/store';
import { CliError } from './data-dir';

/**
 * The processor's export of an organisation's records to its controller before offboarding (decision 0034):
 * everything the charity holds, decrypted, in a folder the operator hands over (one JSON file per person, the staff,
 * the services and a manifest of SHA-256 digests). Audited before anything is read (the platform audit log, and one
 * event per person in the organisation's own audit log, so each person's access log shows it), then recorded as the
 * export offboarding requires. Runs where the organisation's keys can be used: the local stack.
 */

/** The operation of each person's READ event in an export. */
export const EXPORT_READ = 'processor.export';
const RULE = 'platform.organisation.export';

export interface ExportSummary {
  readonly folder: string;
  readonly serviceUsers: number;
  readonly notes: number;
  readonly erased: number;
  readonly manifestDigest: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every client id of the organisation, through its services (each person is registered into a service). */
async function clientIds(services: ConfideServices, orgId: OrgId): Promise<string[]> {
  const ids = new Set<string>();
  let cursor: ExportCursor | undefined = { service: 0 };
  while (cursor) {
    const page = await clientIdPage(services, orgId, cursor, 100);
    for (const id of page.ids) ids.add(id);
    cursor = page.next;
  }
  return [...ids].sort();
}

/** Where a paged export is: the service (by its place in the id-sorted list) and the last client id given. */
export interface ExportCursor {
  readonly service: number;
  readonly after?: string | undefined;
}

/** Up to `limit` client ids from the cursor on, service by service; `next` is undefined after the last. */
export async function clientIdPage(
  services: ConfideServices,
  orgId: OrgId,
  cursor: ExportCursor,
  limit: number,
): Promise<{ ids: string[]; positions: ExportCursor[]; next: ExportCursor | undefined }> {
  const scope = tenantScope(orgId);
  const serviceIds = (await services.careServices.list(scope)).map((service) => service.serviceId).sort();
  const ids: string[] = [];
  // The cursor just after each id: where a page cut short (by its size) resumes.
  const positions: ExportCursor[] = [];
  let service = cursor.service;
  let after = cursor.after;
  while (service < serviceIds.length && ids.length < limit) {
    const page = await services.serviceUsers.idsByService(scope, serviceIds[service] ?? '', {
      limit: limit - ids.length,
      after,
    });
    ids.push(...page.ids);
    for (const id of page.ids) positions.push({ service, after: id });
    if (page.next) {
      after = page.next;
    } else {
      service += 1;
      after = undefined;
    }
  }
  return { ids, positions, next: service < serviceIds.length ? { service, after } : undefined };
}

/** The platform audit of an export, by the operator: ALLOWED before anything is read, COMPLETED once recorded. */
export function recordExportInPlatformAudit(
  services: ConfideServices,
  options: { orgId: OrgId; operatorId: string; requestId: string; outcome: 'ALLOWED' | 'COMPLETED' },
): Promise<unknown> {
  return services.platformAudit.record({
    actor: { kind: 'OPERATOR', id: options.operatorId },
    operation: 'exportOrganisation',
    organisationId: options.orgId,
    outcome: options.outcome,
    rule: RULE,
    requestId: options.requestId,
  });
}

/**
 * What a person's export event names: every classification of a client's record, since the export hands over the
 * whole record (each note decrypted, whatever its kind, sealed and withheld ones too) and its event is written
 * before anything is opened. A person's log may then name a classification their record turned out not to hold;
 * it never leaves out one that was exported.
 */
const EXPORTED_CLASSIFICATIONS: readonly Classification[] = CLASSIFICATIONS.filter(
  (classification) => classification !== 'STAFF_PERSONAL',
);

/** One READ event per person, in the organisation's audit log, written before their records are opened. */
export async function auditExportReads(
  services: ConfideServices,
  options: { orgId: OrgId; operatorId: string; requestId: string; auditYears: number },
  ids: readonly string[],
): Promise<void> {
  const events: AuditEvent[] = ids.map((clientId) => ({
    orgId: options.orgId,
    requestId: options.requestId,
    at: services.clock.now().toISOString(),
    actor: { kind: 'OPERATOR', id: options.operatorId, roles: [] },
    action: 'READ',
    operation: EXPORT_READ,
    subjectId: clientId,
    fields: ['ServiceUser', 'CaseNote', 'Consent', 'DisclosureRegisterEntry', 'Referral'],
    classifications: [...EXPORTED_CLASSIFICATIONS],
    relationship: undefined,
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: RULE,
  }));
  for (let start = 0; start < events.length; start += 25) {
    await services.auditLog.write(events.slice(start, start + 25), { retentionYears: options.auditYears });
  }
}

/** The staff file: each account with its handle and name (the charity's own staff list). */
export async function staffDocument(services: ConfideServices, orgId: OrgId): Promise<unknown[]> {
  const staff = await services.directory.listStaff(tenantScope(orgId));
  return Promise.all(
    staff.map(async (member) => ({
      staffId: member.staffId,
      handle: member.handle,
      displayName: await member.displayName(),
      roles: member.roles,
      status: member.status,
      createdAt: member.createdAt,
    })),
  );
}

/** The services file. */
export async function servicesDocument(services: ConfideServices, orgId: OrgId): Promise<unknown[]> {
  return (await services.careServices.list(tenantScope(orgId))).map((service) => ({
    serviceId: service.serviceId,
    name: service.name,
    managers: service.managers,
    members: service.members,
    createdAt: service.createdAt,
  }));
}

/** One person's file of the export, decrypted; an erased (crypto-shredded) or expired person says only that. */
export interface PersonDocument {
  readonly clientId: string;
  readonly erased: boolean;
  readonly notes: number;
  readonly document: Record<string, unknown>;
}

/** Reads people's records for an export: one loader and the partner names for a whole page. */
export class PersonReader {
  readonly #loader: ItemLoader;
  #partnerNames: Promise<Map<string, string>> | undefined;

  constructor(
    readonly services: ConfideServices,
    readonly orgId: OrgId,
  ) {
    this.#loader = new ItemLoader(services.dynamo, services.keys);
  }

  async read(clientId: string): Promise<PersonDocument> {
    const { services, orgId } = this;
    const scope = tenantScope(orgId);
    const loader = this.#loader;
    this.#partnerNames ??= services.partners
      .list(scope)
      .then((partners) => new Map(partners.map((partner) => [partner.partnerId, partner.name])));
    const partnerNames = await this.#partnerNames;
    const client = await services.serviceUsers.get(scope, clientId, loader);
    const key = client ? await loader.subjectKey(orgId, clientId) : undefined;
    if (!client || !key) {
      // Erased (crypto-shredded) or expired: nothing readable is left, and the export says so.
      return { clientId, erased: true, notes: 0, document: { clientId, erased: true } };
    }
    const profile: Record<string, string | undefined> = {};
    for (const field of SEALED_PROFILE_FIELDS)
      profile[field] = services.serviceUsers.openDetail(key, client, field);
    const clientNotes = (await services.caseNotes.list(scope, clientId, loader)).map((note) => ({
      noteId: note.noteId,
      kind: note.kind,
      classification: classificationOf(note.kind),
      authorId: note.authorId,
      authorOrganisation: note.authorOrganisation,
      sealed: note.sealed,
      withheld: note.withheld,
      withheldUnder: note.withheldUnder,
      recordedAt: note.recordedAt,
      amendedAt: note.amendedAt,
      version: note.version,
      text: services.caseNotes.openBody(key, note),
    }));
    const consents = (await services.consents.list(scope, clientId)).map((consent) => ({
      consentId: consent.consentId,
      scope: consent.scope,
      method: consent.method,
      givenBy: consent.givenBy,
      partnerAgency: consent.partnerId ? partnerNames.get(consent.partnerId) : undefined,
      agencyName: services.consents.openSealed(key, consent, 'agencyName'),
      representativeName: services.consents.openSealed(key, consent, 'representativeName'),
      capacityNote: services.consents.openSealed(key, consent, 'capacityNote'),
      classifications: consent.classifications,
      purposes: consent.purposes,
      recordedAt: consent.recordedAt,
      withdrawnAt: consent.withdrawnAt,
    }));
    const disclosures = (await services.disclosures.register(scope, clientId)).map((entry) => ({
      requestId: entry.requestId,
      kind: entry.kind,
      at: entry.at,
      requesterOrganisation: entry.requesterOrganisation,
      partnerAgency: entry.partnerId ? partnerNames.get(entry.partnerId) : undefined,
      legalBasis: entry.legalBasis,
      method: entry.method,
      recipient: services.disclosures.openSealed(key, entry, 'recipient'),
      purpose: services.disclosures.openSealed(key, entry, 'purpose'),
    }));
    const referrals = (await services.referrals.ofClient(scope, clientId)).map((referral) => ({
      referrer: partnerNames.get(referral.partnerId),
      referrerReference: referral.referrerReference,
      receivedOn: referral.receivedOn,
      appointmentAt: referral.appointmentAt,
    }));
    return {
      clientId,
      erased: false,
      notes: clientNotes.length,
      document: {
        clientId,
        reference: client.reference,
        caseStatus: client.caseStatus,
        openedAt: client.openedAt,
        closedAt: client.closedAt,
        serviceId: client.serviceId,
        profile,
        notes: clientNotes,
        consents,
        disclosures,
        referrals,
      },
    };
  }
}

/**
 * The export folder on the operator's machine: a new sub-folder (0700), files 0600 never overwritten, each file's
 * SHA-256 kept for the manifest, whose own digest is what Confide records.
 */
export class ExportFolder {
  readonly files: { file: string; sha256: string }[] = [];

  private constructor(readonly path: string) {}

  static create(destination: string, slug: string, at: Date): ExportFolder {
    const folder = join(resolve(destination), `${slug}-export-${at.toISOString().replace(/[:.]/g, '-')}`);
    if (existsSync(folder) && readdirSync(folder).length > 0)
      throw new CliError('The export folder is not empty.');
    mkdirSync(join(folder, 'service-users'), { recursive: true, mode: 0o700 });
    return new ExportFolder(folder);
  }

  write(file: string, value: unknown): void {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    writeFileSync(join(this.path, file), text, { mode: 0o600, flag: 'wx' });
    this.files.push({ file, sha256: sha256(text) });
  }

  /** Writes manifest.json (every file's digest and the counts) and answers its SHA-256. */
  writeManifest(manifest: Record<string, unknown>): string {
    const manifestText = `${JSON.stringify({ ...manifest, files: this.files }, null, 2)}\n`;
    writeFileSync(join(this.path, 'manifest.json'), manifestText, { mode: 0o600, flag: 'wx' });
    return sha256(manifestText);
  }
}

export async function exportOrganisation(
  services: ConfideServices,
  options: { orgId: OrgId; slug: string; destination: string; operatorId: string },
): Promise<ExportSummary> {
  const { orgId, operatorId } = options;
  const organisation = await services.directory.organisation(orgId);
  if (!organisation) throw new CliError('No such organisation.');
  if (organisation.status !== 'ACTIVE') throw new CliError('Only an active organisation can be exported.');
  const folder = ExportFolder.create(options.destination, options.slug, services.clock.now());

  const requestId = `export-${randomUUID()}`;
  // Before anything is read: without the platform audit, nothing is exported.
  await recordExportInPlatformAudit(services, { orgId, operatorId, requestId, outcome: 'ALLOWED' });

  const ids = await clientIds(services, orgId);
  // One event per person, in the organisation's audit log, before their record is opened.
  await auditExportReads(
    services,
    { orgId, operatorId, requestId, auditYears: organisation.retention.auditYears },
    ids,
  );

  const staff = await staffDocument(services, orgId);
  folder.write('staff.json', staff);
  const careServices = await servicesDocument(services, orgId);
  folder.write('services.json', careServices);

  let notes = 0;
  let erased = 0;
  const reader = new PersonReader(services, orgId);
  for (const clientId of ids) {
    const person = await reader.read(clientId);
    if (person.erased) erased += 1;
    notes += person.notes;
    folder.write(`service-users/${clientId}.json`, person.document);
  }

  const manifestDigest = folder.writeManifest({
    organisation: { organisationId: orgId, slug: organisation.slug, name: organisation.name },
    exportedAt: services.clock.now().toISOString(),
    exportedBy: operatorId,
    counts: { serviceUsers: ids.length, erased, notes, staff: staff.length, services: careServices.length },
  });
  await organisationExports(services).record(tenantScope(orgId), {
    kind: 'EXPORTED',
    by: operatorId,
    serviceUsers: ids.length,
    notes,
    manifestDigest,
    // Last, after every person's read is in the audit: offboarding takes this export only while nothing moved since.
    auditPosition: await services.auditLog.position(tenantScope(orgId)),
  });
  await recordExportInPlatformAudit(services, { orgId, operatorId, requestId, outcome: 'COMPLETED' });
  return { folder: folder.path, serviceUsers: ids.length, notes, erased, manifestDigest };
}

/** Checks a waiver's reason code and reference (codes, never free text: a waiver is audited). */
export function waiverOf(
  reason: string,
  reference: string | undefined,
): {
  reason: ExportWaiverReason;
  reference: string | undefined;
} {
  const code = reason.toUpperCase();
  if (!(EXPORT_WAIVER_REASONS as readonly string[]).includes(code)) {
    throw new CliError(`--waive takes one of ${EXPORT_WAIVER_REASONS.join(', ')}.`);
  }
  if (reference !== undefined && !EXPORT_REFERENCE.test(reference)) {
    throw new CliError(
      '--reference takes 1–64 letters, digits, ".", "_", "/" or "-" (a document reference, no names).',
    );
  }
  return { reason: code as ExportWaiverReason, reference };
}

/** Records that the export was waived, with its reason code: in the platform audit and as the export record. */
export async function waiveExport(
  services: ConfideServices,
  options: { orgId: OrgId; operatorId: string; reason: ExportWaiverReason; reference: string | undefined },
): Promise<void> {
  const requestId = `export-waiver-${randomUUID()}`;
  await services.platformAudit.record({
    actor: { kind: 'OPERATOR', id: options.operatorId },
    operation: 'waiveOrganisationExport',
    organisationId: options.orgId,
    outcome: 'COMPLETED',
    rule: `platform.organisation.export.waived.${options.reason}`,
    requestId,
  });
  await organisationExports(services).record(tenantScope(options.orgId), {
    kind: 'WAIVED',
    by: options.operatorId,
    reason: options.reason,
    reference: options.reference,
  });
}
