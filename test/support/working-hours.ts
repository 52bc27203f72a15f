import { expect } from 'vitest';
import type { TestApi } from './test-api';

const HOUR_MS = 3_600_000;

/** HH:MM in London, `hours` from now. */
export function londonTime(hours: number, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(now + hours * HOUR_MS));
}

/**
 * Sets an organisation's working hours (London) to the three hours either side of now, as its IG lead. Reads a test
 * makes now are then within working hours whatever the time of day it runs at (the default hours, 07:00–22:00, made
 * a test's "ordinary" reads out of hours at night), and a time twelve hours away is outside them. An end before the
 * start is an overnight window.
 */
export async function workingHoursAroundNow(api: TestApi, igToken: string): Promise<void> {
  const result = await api.graphql(
    `mutation ($input: AccessMonitoringSettingsInput!) {
      setAccessMonitoringSettings(input: $input, expectedVersion: 0) { version }
    }`,
    {
      token: igToken,
      variables: {
        input: {
          workingHoursStart: londonTime(-3),
          workingHoursEnd: londonTime(3),
          timeZone: 'Europe/London',
        },
      },
    },
  );
  expect(result.errors).toBeUndefined();
}
