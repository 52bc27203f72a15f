import { type Clock, conflict, type NoteKind } from '@confide/domain';
import { attr, read, requireS } from '../attributes';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/**
 * How an organisation's access is monitored (DATA-PROTECTION.md "Access audit"): its working hours and the
 * thresholds of the unusual-access rules. Holds no personal data.
 */
export interface MonitoringSettings {
  readonly workingHours: {
    /** `HH:MM`, local time. A window whose end is before its start runs past midnight. */
    readonly start: string;
    readonly end: string;
    /** An IANA time zone, e.g. `Europe/London`. */
    readonly timeZone: string;
    /** Working days, 1 = Monday … 7 = Sunday. */
    readonly days: readonly number[];
  };
  /** Reads of this many distinct clients outside the caseload within the window raise an alert. */
  readonly manyClients: { readonly threshold: number; readonly windowMinutes: number };
  /** This many refusals within the window raise an alert. */
  readonly deniedAttempts: { readonly threshold: number; readonly windowMinutes: number };
  /** An emergency access still unreviewed this many days after it was opened raises an alert. */
  readonly emergencyReviewDays: number;
}

export const DEFAULT_MONITORING_SETTINGS: MonitoringSettings = {
  workingHours: { start: '07:00', end: '22:00', timeZone: 'Europe/London', days: [1, 2, 3, 4, 5, 6, 7] },
  manyClients: { threshold: 10, windowMinutes: 60 },
  deniedAttempts: { threshold: 5, windowMinutes: 60 },
  emergencyReviewDays: 7,
};

export interface StoredMonitoringSettings {
  readonly settings: MonitoringSettings;
  /** 0 while the defaults apply (nothing stored yet). */
  readonly version: number;
}

/** A note as the aggregate reports count it: its kind and when it was recorded, nothing else. */
export interface NoteTally {
  readonly kind: NoteKind;
  readonly recordedAt: string;
}

/** Monitoring settings, the organisation's service-user view setting, and the lean reads reports need. */
export class AccessMonitoring {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async settings(scope: TenantScope): Promise<StoredMonitoringSettings> {
    const item = await this.#gateway(scope).get(
      { pk: scope.key('MONITORING'), sk: 'SETTINGS' },
      { now: this.clock.now() },
    );
    if (!item) return { settings: DEFAULT_MONITORING_SETTINGS, version: 0 };
    const stored = JSON.parse(requireS(item, 'settings')) as Partial<MonitoringSettings>;
    return {
      settings: { ...DEFAULT_MONITORING_SETTINGS, ...stored },
      version: read.n(item, 'version') ?? 1,
    };
  }

  /** Replaces the settings; `expectedVersion` is the version read (0 for the defaults). Stale → CONFLICT. */
  async setSettings(
    scope: TenantScope,
    settings: MonitoringSettings,
    expectedVersion: number,
    by: string,
  ): Promise<StoredMonitoringSettings> {
    const written = await this.#gateway(scope).put(
      {
        pk: attr.s(scope.key('MONITORING')),
        sk: attr.s('SETTINGS'),
        settings: attr.s(JSON.stringify(settings)),
        version: attr.n(expectedVersion + 1),
        updatedAt: attr.s(this.clock.now().toISOString()),
        updatedBy: attr.s(by),
      },
      {
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ...(expectedVersion === 0
          ? {}
          : { ExpressionAttributeValues: { ':expected': attr.n(expectedVersion) } }),
      },
    );
    if (!written.written) throw conflict();
    return { settings, version: expectedVersion + 1 };
  }

  /**
   * Sets whether a service user's own access list names the staff who looked (the organisation profile's
   * `showStaffNames`). Optimistic on the organisation's version; returns nothing (re-read the organisation).
   */
  async setShowStaffNames(scope: TenantScope, show: boolean, expectedVersion: number): Promise<void> {
    const written = await this.#gateway(scope).update(
      { pk: scope.key('ORG'), sk: 'PROFILE' },
      {
        UpdateExpression: 'SET showStaffNames = :show, version = version + :one',
        ConditionExpression: 'attribute_exists(pk) AND version = :expected',
        ExpressionAttributeValues: {
          ':show': attr.bool(show),
          ':one': attr.n(1),
          ':expected': attr.n(expectedVersion),
        },
      },
    );
    if (!written.written) throw conflict();
  }

  /** Kind and time of each current (unexpired) note of a client: one projected query, no decryption. */
  async noteTallies(scope: TenantScope, clientId: string): Promise<NoteTally[]> {
    const items = await this.#gateway(scope).queryPrefix(
      scope.key('CLIENT', clientId),
      'NOTE#',
      this.clock.now(),
      { projection: ['kind', 'recordedAt'] },
    );
    return items.map((item) => ({
      kind: requireS(item, 'kind') as NoteKind,
      recordedAt: requireS(item, 'recordedAt'),
    }));
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}
