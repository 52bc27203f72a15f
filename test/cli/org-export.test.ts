import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { organisationExports } from '@confide/api';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { ADA, createServiceWithManager, recordNote, registerServiceUser } from '../support/care-fixtures';
import { onboardTestOrganisation } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';
import { runCli } from './support/run-cli';

/**
 * The processor's export before offboarding (issue 20, decision 0034), through the real `confide` command against
 * the test's own stack: offboarding is refused without an export or a waiver (EXPORT_REQUIRED); the export holds
 * every record decrypted and is audited in the platform and the organisation's audit; after it, offboarding runs.
 */

const NOTE = 'Canary-note: walked to the allotment, talked about her sister.';

describe('confide org export, and offboarding that requires it', () => {
  const api = testApi();
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-cli-export-'));
  const destination = mkdtempSync(join(tmpdir(), 'confide-export-to-'));
  writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(api.stack));
  const cli = (...args: string[]) => runCli(args, { CONFIDE_DATA_DIR: dataDir });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(destination, { recursive: true, force: true });
  });

  it('refuses to offboard before an export (EXPORT_REQUIRED); exports every record decrypted, audited; then offboards', async () => {
    // Prepare: an organisation with two people and notes.
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const ada = await registerServiceUser(api, manager, serviceId);
    const bea = await registerServiceUser(api, manager, serviceId, {
      name: 'Bea Second-Canary',
      email: 'bea@example.org',
    });
    await recordNote(api, manager, ada, 'DAILY_SUPPORT', NOTE);
    await recordNote(api, manager, bea, 'DAILY_SUPPORT', 'Second person, first note.');
    await recordNote(api, manager, bea, 'DAILY_SUPPORT', 'Second person, second note.');

    // Act
    const refused = await cli('org', 'offboard', '--slug', org.slug, '--window', '7');
    const exported = await cli('org', 'export', '--slug', org.slug, '--to', destination);
    const requested = await cli('org', 'offboard', '--slug', org.slug, '--window', '7');
    const approved = await cli(
      'org',
      'offboard',
      '--slug',
      org.slug,
      '--approve',
      '--operator-id',
      'second-operator',
    );

    // Assert: refused with its code and nothing pending; then the export, then both offboarding steps.
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('EXPORT_REQUIRED');
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(requested.code, requested.stderr).toBe(0);
    expect(approved.code, approved.stderr).toBe(0);
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('OFFBOARDED');

    // The export: every person, decrypted, with a manifest of digests.
    const [folder] = readdirSync(destination).filter((name) => name.startsWith(`${org.slug}-export-`));
    expect(folder).toBeDefined();
    const root = join(destination, folder ?? '');
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as {
      counts: { serviceUsers: number; notes: number; erased: number };
      files: { file: string; sha256: string }[];
    };
    expect(manifest.counts).toMatchObject({ serviceUsers: 2, notes: 3, erased: 0 });
    const person = (globalId: string) =>
      JSON.parse(readFileSync(join(root, 'service-users', `${localIdOf(globalId)}.json`), 'utf8')) as {
        profile: Record<string, string>;
        notes: { text: string }[];
      };
    expect(person(ada).profile).toMatchObject(ADA);
    expect(person(ada).notes.map((note) => note.text)).toEqual([NOTE]);
    expect(person(bea).profile.name).toBe('Bea Second-Canary');
    expect(person(bea).notes).toHaveLength(2);
    expect(manifest.files.map((entry) => entry.file).sort()).toEqual(
      [
        'services.json',
        'staff.json',
        ...[ada, bea].map((id) => `service-users/${localIdOf(id)}.json`),
      ].sort(),
    );

    // Audited: the platform audit (before and after) and one event per person in the organisation's audit.
    const platform = await api.services.platformAudit.list({ organisationId: org.orgId });
    expect(
      platform.filter((event) => event.operation === 'exportOrganisation').map((event) => event.outcome),
    ).toEqual(['COMPLETED', 'ALLOWED']);
    const recorded = await organisationExports(api.services).latest(tenantScope(org.orgId));
    expect(recorded).toMatchObject({ kind: 'EXPORTED', serviceUsers: 2, notes: 3 });

    // No personal data in what the command printed.
    for (const output of [refused, exported, requested, approved]) {
      const text = output.stdout + output.stderr;
      for (const value of [ADA.name, ADA.email, NOTE, 'Bea Second-Canary']) expect(text).not.toContain(value);
    }
  }, 180_000);

  it('refuses to offboard on an export older than the records: anything recorded since needs a new export', async () => {
    // Prepare: an organisation exported, then a new person and note recorded (the charity worked on).
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    await registerServiceUser(api, manager, serviceId);
    const exported = await cli('org', 'export', '--slug', org.slug, '--to', destination);
    expect(exported.code, exported.stderr).toBe(0);
    const later = await registerServiceUser(api, manager, serviceId, { name: 'Cal Later-Canary' });
    await recordNote(api, manager, later, 'DAILY_SUPPORT', 'Recorded after the export.');

    // Act
    const refused = await cli('org', 'offboard', '--slug', org.slug, '--window', '7');
    const again = await cli('org', 'export', '--slug', org.slug, '--to', destination);
    const requested = await cli('org', 'offboard', '--slug', org.slug, '--window', '7');

    // Assess: refused until exported again, and then asked for
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('EXPORT_REQUIRED');
    expect(again.code, again.stderr).toBe(0);
    expect(requested.code, requested.stderr).toBe(0);
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('ACTIVE');
  }, 180_000);

  it('audits each person read by the export in their own access log', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const ada = await registerServiceUser(api, manager, serviceId);

    // Act
    const exported = await cli('org', 'export', '--slug', org.slug, '--to', destination);

    // Assert
    expect(exported.code, exported.stderr).toBe(0);
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(ada), {
      limit: 100,
    });
    const exportEvents = events.filter((event) => event.operation === 'processor.export');
    expect(exportEvents).toHaveLength(1);
    expect(exportEvents[0]).toMatchObject({
      action: 'READ',
      actor: { kind: 'OPERATOR', id: 'local-operator' },
    });
    // It hands over the whole record, each note decrypted whatever its kind: its event leaves no classification out.
    expect([...(exportEvents[0]?.classifications ?? [])].sort()).toEqual(
      [
        'CARE',
        'CONSENT',
        'CONTACT',
        'FINANCE',
        'HEALTH',
        'IDENTIFYING',
        'PSEUDONYMOUS',
        'SAFEGUARDING',
      ].sort(),
    );
  });

  it('offboards after a waiver with a reason code; refuses a free-text reason, naming the codes', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);

    // Act
    const freeText = await cli('org', 'export', '--slug', org.slug, '--waive', 'Ada said so');
    const stillRefused = await cli('org', 'offboard', '--slug', org.slug);
    const waived = await cli(
      'org',
      'export',
      '--slug',
      org.slug,
      '--waive',
      'CONTROLLER_HOLDS_COPY',
      '--reference',
      'LETTER-2026-04',
    );
    const requested = await cli('org', 'offboard', '--slug', org.slug, '--window', '7');
    const approved = await cli(
      'org',
      'offboard',
      '--slug',
      org.slug,
      '--approve',
      '--operator-id',
      'second-operator',
    );

    // Assert
    expect(freeText.code).toBe(1);
    expect(freeText.stderr).toContain('CONTROLLER_DECLINED, CONTROLLER_HOLDS_COPY, CONTROLLER_DISSOLVED');
    expect(stillRefused.stderr).toContain('EXPORT_REQUIRED');
    expect(waived.code, waived.stderr).toBe(0);
    expect(requested.code, requested.stderr).toBe(0);
    expect(approved.code, approved.stderr).toBe(0);
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('OFFBOARDED');
    const platform = await api.services.platformAudit.list({ organisationId: org.orgId });
    expect(platform.map((event) => event.rule)).toContain(
      'platform.organisation.export.waived.CONTROLLER_HOLDS_COPY',
    );
  }, 180_000);
});
