import { localDate, validate } from '@confide/domain';
import type { MonitoringSettings, StoredMonitoringSettings } from '@confide/store';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { oncePerRequest } from '../access-governance/shared';

// ── The organisation's calendar ──────────────────────────────────────────────────────────────────────────

/**
 * The organisation's monitoring settings, read once per request however many resolvers ask (one DynamoDB read): the
 * defaults, Europe/London among them, until changed.
 */
export function organisationSettings(context: ConfideContext): Promise<StoredMonitoringSettings> {
  const scope = context.access.scope;
  return oncePerRequest(context, `monitoring-settings:${scope.orgId}`, () =>
    context.services.monitoring.settings(scope),
  );
}

/**
 * The organisation's time zone, its working hours' (as the access heat map counts its local days). A date a person
 * gives, and "today" it is checked against, are calendar dates there. Read only by the operations that check one.
 */
export async function organisationTimeZone(context: ConfideContext): Promise<string> {
  return (await organisationSettings(context)).settings.workingHours.timeZone;
}

/**
 * The organisation's local date now, `YYYY-MM-DD`: "today" for a date given as today or as not in the future. Not the
 * UTC date, which from midnight to 01:00 British Summer Time is still the day before.
 */
export async function organisationToday(context: ConfideContext): Promise<string> {
  return localDate(context.services.clock.now(), await organisationTimeZone(context));
}

// ── Monitoring settings ──────────────────────────────────────────────────────────────────────────────────

interface SettingsView {
  readonly settings: MonitoringSettings;
  readonly version: number;
}

const SettingsRef = builder.objectRef<SettingsView>('AccessMonitoringSettings');
SettingsRef.implement({
  description: 'The organisation’s working hours and unusual-access thresholds (defaults until changed).',
  fields: (t) => ({
    workingHoursStart: t.string({
      description: 'HH:MM, local.',
      resolve: (s) => s.settings.workingHours.start,
    }),
    workingHoursEnd: t.string({
      description: 'HH:MM, local; before the start means overnight.',
      resolve: (s) => s.settings.workingHours.end,
    }),
    timeZone: t.string({ description: 'IANA time zone.', resolve: (s) => s.settings.workingHours.timeZone }),
    workingDays: t.intList({
      description: '1 = Monday … 7 = Sunday.',
      resolve: (s) => [...s.settings.workingHours.days],
    }),
    manyClientsThreshold: t.int({
      description: 'Distinct clients outside the caseload that raise an alert…',
      resolve: (s) => s.settings.manyClients.threshold,
    }),
    manyClientsWindowMinutes: t.int({
      description: '…within this many minutes.',
      resolve: (s) => s.settings.manyClients.windowMinutes,
    }),
    deniedAttemptsThreshold: t.int({
      description: 'Refusals that raise an alert…',
      resolve: (s) => s.settings.deniedAttempts.threshold,
    }),
    deniedAttemptsWindowMinutes: t.int({
      description: '…within this many minutes.',
      resolve: (s) => s.settings.deniedAttempts.windowMinutes,
    }),
    emergencyReviewDays: t.int({
      description: 'Days an emergency access may wait for its review.',
      resolve: (s) => s.settings.emergencyReviewDays,
    }),
    version: t.int({ description: '0 while the defaults apply.', resolve: (s) => s.version }),
  }),
});

const SettingsInput = builder.inputType('AccessMonitoringSettingsInput', {
  description: 'A change to the monitoring settings; omitted fields keep their value.',
  fields: (t) => ({
    workingHoursStart: t.string({ required: false, description: 'HH:MM.' }),
    workingHoursEnd: t.string({ required: false, description: 'HH:MM.' }),
    timeZone: t.string({ required: false, description: 'IANA time zone, e.g. Europe/London.' }),
    workingDays: t.intList({ required: false, description: '1 = Monday … 7 = Sunday.' }),
    manyClientsThreshold: t.int({ required: false, description: '2–1000.' }),
    manyClientsWindowMinutes: t.int({ required: false, description: '1–1440.' }),
    deniedAttemptsThreshold: t.int({ required: false, description: '2–1000.' }),
    deniedAttemptsWindowMinutes: t.int({ required: false, description: '1–1440.' }),
    emergencyReviewDays: t.int({ required: false, description: '1–90.' }),
  }),
});

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function validTime(path: string, value: string): string {
  if (!TIME.test(value)) throw validate.badInputError(['input', path], 'Give a time as HH:MM.');
  return value;
}

function validTimeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: value });
    return value;
  } catch {
    throw validate.badInputError(['input', 'timeZone'], 'Not a known time zone.');
  }
}

type SettingsChange = typeof SettingsInput.$inferInput;

/** The counts of a change, each checked against its range (path `input.<name>`). */
const COUNT_RANGES = {
  manyClientsThreshold: [2, 1000],
  manyClientsWindowMinutes: [1, 1440],
  deniedAttemptsThreshold: [2, 1000],
  deniedAttemptsWindowMinutes: [1, 1440],
  emergencyReviewDays: [1, 90],
} as const;

/**
 * Checks a change to the settings on its own (before anything is audited or written): BAD_USER_INPUT naming
 * the field for a bad time, time zone, day or count.
 */
function checkedChange(input: SettingsChange): SettingsChange {
  const days = input.workingDays;
  if (days != null && days.length === 0) {
    throw validate.badInputError(['input', 'workingDays'], 'Choose at least one working day.');
  }
  if (days?.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) {
    throw validate.badInputError(['input', 'workingDays'], 'Days are 1 (Monday) to 7 (Sunday).');
  }
  if (input.workingHoursStart != null) validTime('workingHoursStart', input.workingHoursStart);
  if (input.workingHoursEnd != null) validTime('workingHoursEnd', input.workingHoursEnd);
  if (input.timeZone != null) validTimeZone(input.timeZone);
  for (const [path, [min, max]] of Object.entries(COUNT_RANGES)) {
    const value = input[path as keyof typeof COUNT_RANGES];
    if (value != null) validate.integerInRange(['input', path], value, min, max);
  }
  return input;
}

/** The settings after a checked change: omitted fields keep their value. */
function applied(current: MonitoringSettings, input: SettingsChange): MonitoringSettings {
  return {
    workingHours: {
      start: input.workingHoursStart ?? current.workingHours.start,
      end: input.workingHoursEnd ?? current.workingHours.end,
      timeZone: input.timeZone ?? current.workingHours.timeZone,
      days: [...new Set(input.workingDays ?? current.workingHours.days)].sort(),
    },
    manyClients: {
      threshold: input.manyClientsThreshold ?? current.manyClients.threshold,
      windowMinutes: input.manyClientsWindowMinutes ?? current.manyClients.windowMinutes,
    },
    deniedAttempts: {
      threshold: input.deniedAttemptsThreshold ?? current.deniedAttempts.threshold,
      windowMinutes: input.deniedAttemptsWindowMinutes ?? current.deniedAttempts.windowMinutes,
    },
    emergencyReviewDays: input.emergencyReviewDays ?? current.emergencyReviewDays,
  };
}

builder.queryFields((t) => ({
  accessMonitoringSettings: t.field({
    type: SettingsRef,
    description: 'The monitoring settings (IG_LEAD, CALDICOTT_GUARDIAN, ORG_ADMIN, SERVICE_MANAGER).',
    operation: { policy: 'monitoring.settings.read', audit: 'after' },
    resolve: (operation, _args, context) => context.services.monitoring.settings(operation.scope),
  }),
}));

builder.mutationFields((t) => ({
  setAccessMonitoringSettings: t.field({
    type: SettingsRef,
    description: 'Changes the working hours or alert thresholds (IG_LEAD, ORG_ADMIN). Audited.',
    args: {
      input: t.arg({ type: SettingsInput, required: true }),
      expectedVersion: t.arg.int({ required: true, description: 'The version read (0 for the defaults).' }),
    },
    operation: {
      policy: 'monitoring.settings.change',
      // Bad input is refused before anything is audited or changed.
      change: ({ input }) => {
        checkedChange(input);
        return {};
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, { input, expectedVersion }, context) => {
      const { settings: current } = await context.services.monitoring.settings(operation.scope);
      return context.services.monitoring.setSettings(
        operation.scope,
        applied(current, checkedChange(input)),
        expectedVersion,
        operation.staff.staffId,
      );
    },
  }),
}));
