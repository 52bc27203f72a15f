import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ConfideServices, organisationExports } from '@confide/api';
import { type Classification, classificationOf, type OrgId } from '@confide/domain';
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

const OPERATION = 'processor.export';
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
  const scope = tenantScope(orgId);
  const ids = new Set<string>();
  for (const service of await services.careServices.list(scope)) {
    let after: string | undefined;
    do {
      const page = await services.serviceUsers.idsByService(scope, service.serviceId, { limit: 100, after });
      for (const id of page.ids) ids.add(id);
      after = page.next;
    } while (after);
  }
  return [...ids].sort();
}

export async function exportOrganisation(
  services: ConfideServices,
  options: { orgId: OrgId; slug: string; destination: string; operatorId: string },
): Promise<ExportSummary> {
  const { orgId, operatorId } = options;
  const organisation = await services.directory.organisation(orgId);
  if (!organisation) throw new CliError('No such organisation.');
  if (organisation.status !== 'ACTIVE') throw new CliError('Only an active organisation can be exported.');
  const parent = resolve(options.destination);
  const folder = join(
    parent,
    `${options.slug}-export-${services.clock.now().toISOString().replace(/[:.]/g, '-')}`,
  );
  if (existsSync(folder) && readdirSync(folder).length > 0)
    throw new CliError('The export folder is not empty.');

  const requestId = `export-${randomUUID()}`;
  const platform = (outcome: string) =>
    services.platformAudit.record({
      actor: { kind: 'OPERATOR', id: operatorId },
      operation: 'exportOrganisation',
      organisationId: orgId,
      outcome,
      rule: RULE,
      requestId,
    });
  // Before anything is read: without the platform audit, nothing is exported.
  await platform('ALLOWED');

  const scope = tenantScope(orgId);
  const ids = await clientIds(services, orgId);
  // One event per person, in the organisation's audit log, before their record is opened.
  const events: AuditEvent[] = ids.map((clientId) => ({
    orgId,
    requestId,
    at: services.clock.now().toISOString(),
    actor: { kind: 'OPERATOR', id: operatorId, roles: [] },
    action: 'READ',
    operation: OPERATION,
    subjectId: clientId,
    fields: ['ServiceUser', 'CaseNote', 'Consent', 'DisclosureRegisterEntry', 'Referral'],
    classifications: ['IDENTIFYING', 'CONTACT', 'CONSENT'] as Classification[],
    relationship: undefined,
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: RULE,
  }));
  for (let start = 0; start < events.length; start += 25) {
    await services.auditLog.write(events.slice(start, start + 25), {
      retentionYears: organisation.retention.auditYears,
    });
  }

  mkdirSync(join(folder, 'service-users'), { recursive: true, mode: 0o700 });
  const files: { file: string; sha256: string }[] = [];
  const write = (file: string, value: unknown) => {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    writeFileSync(join(folder, file), text, { mode: 0o600, flag: 'wx' });
    files.push({ file, sha256: sha256(text) });
  };

  const loader = new ItemLoader(services.dynamo, services.keys);
  const staff = await services.directory.listStaff(scope);
  write(
    'staff.json',
    await Promise.all(
      staff.map(async (member) => ({
        staffId: member.staffId,
        handle: member.handle,
        displayName: await member.displayName(),
        roles: member.roles,
        status: member.status,
        createdAt: member.createdAt,
      })),
    ),
  );
  const careServices = await services.careServices.list(scope);
  write(
    'services.json',
    careServices.map((service) => ({
      serviceId: service.serviceId,
      name: service.name,
      managers: service.managers,
      members: service.members,
      createdAt: service.createdAt,
    })),
  );

  let notes = 0;
  let erased = 0;
  const partnerNames = new Map(
    (await services.partners.list(scope)).map((partner) => [partner.partnerId, partner.name]),
  );
  for (const clientId of ids) {
    const client = await services.serviceUsers.get(scope, clientId, loader);
    const key = client ? await loader.subjectKey(orgId, clientId) : undefined;
    if (!client || !key) {
      // Erased (crypto-shredded) or expired: nothing readable is left, and the export says so.
      erased += 1;
      write(`service-users/${clientId}.json`, { clientId, erased: true });
      continue;
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
      recordedAt: note.recordedAt,
      amendedAt: note.amendedAt,
      version: note.version,
      text: services.caseNotes.openBody(key, note),
    }));
    notes += clientNotes.length;
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
    write(`service-users/${clientId}.json`, {
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
    });
  }

  const manifest = {
    organisation: { organisationId: orgId, slug: organisation.slug, name: organisation.name },
    exportedAt: services.clock.now().toISOString(),
    exportedBy: operatorId,
    counts: { serviceUsers: ids.length, erased, notes, staff: staff.length, services: careServices.length },
    files,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(join(folder, 'manifest.json'), manifestText, { mode: 0o600, flag: 'wx' });
  const manifestDigest = sha256(manifestText);
  await organisationExports(services).record(scope, {
    kind: 'EXPORTED',
    by: operatorId,
    serviceUsers: ids.length,
    notes,
    manifestDigest,
  });
  await platform('COMPLETED');
  return { folder, serviceUsers: ids.length, notes, erased, manifestDigest };
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
