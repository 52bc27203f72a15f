import { execute } from '../api';
import { MonitoringSettingsQuery, SetMonitoringSettingsMutation } from '../documents';
import { h, notice, render } from '../dom';
import { actionErrorNotice, markRefusedInputs } from './action-forms';
import { errorNotice, focusOutcome, screenHeading, showRefusal } from './shared';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

type NumberSetting =
  | 'emergencyReviewDays'
  | 'manyClientsThreshold'
  | 'manyClientsWindowMinutes'
  | 'deniedAttemptsThreshold'
  | 'deniedAttemptsWindowMinutes';

/** Each number the alert rules use, with its words and the range the API accepts. */
const NUMBERS: [NumberSetting, string, number, number][] = [
  ['emergencyReviewDays', 'Days an emergency access may wait for its review', 1, 90],
  ['manyClientsThreshold', 'Clients outside a caseload that raise an alert', 2, 1000],
  ['manyClientsWindowMinutes', 'Minutes in which those clients are counted', 1, 1440],
  ['deniedAttemptsThreshold', 'Refused attempts that raise an alert', 2, 1000],
  ['deniedAttemptsWindowMinutes', 'Minutes in which those refusals are counted', 1, 1440],
];

/**
 * The organisation's working hours and unusual-access thresholds, which the access alerts and the heat-map's
 * out-of-hours marks use; the IG lead changes them (`setAccessMonitoringSettings`, with the version read, so a change
 * made meanwhile by someone else is CONFLICT, not overwritten).
 */
export async function monitoringSettingsScreen(main: HTMLElement, message?: HTMLElement): Promise<void> {
  render(main, screenHeading('Alert settings'), h('p', {}, 'Loading…'));
  const { data, errors } = await execute(MonitoringSettingsQuery);
  const settings = data?.accessMonitoringSettings;
  if (!settings) {
    render(main, screenHeading('Alert settings'), errorNotice(errors) ?? notice('Not readable.', 'error'));
    return;
  }
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' }, message ?? null);
  /** A setting's control; `setting` is its field of the API's input. */
  const input = (id: string, setting: string, attributes: Record<string, string | number | boolean>) =>
    h('input', { id, name: id, required: true, 'data-api-field': `input.${setting}`, ...attributes });
  const start = input('working-hours-start', 'workingHoursStart', {
    type: 'time',
    value: settings.workingHoursStart,
  });
  const end = input('working-hours-end', 'workingHoursEnd', {
    type: 'time',
    value: settings.workingHoursEnd,
  });
  const zone = input('time-zone', 'timeZone', {
    type: 'text',
    value: settings.timeZone,
    autocomplete: 'off',
  });
  const days = DAYS.map((day, index) =>
    h(
      'label',
      { class: 'choice' },
      h('input', {
        type: 'checkbox',
        name: 'working-day',
        value: index + 1,
        checked: settings.workingDays.includes(index + 1),
      }),
      ` ${day}`,
    ),
  );
  const numbers = NUMBERS.map(([name, words, min, max]) => {
    const id = `setting-${name}`;
    return {
      name,
      field: input(id, name, { type: 'number', min, max, step: 1, value: settings[name] }),
      label: h('label', { for: id }, `${words} (${min}–${max})`),
    };
  });
  const save = h('button', { type: 'submit' }, 'Save the settings');
  const form = h(
    'form',
    { class: 'decision' },
    h('label', { for: 'working-hours-start' }, 'Working hours start (local time)'),
    start,
    h('label', { for: 'working-hours-end' }, 'Working hours end (before the start means overnight)'),
    end,
    h('fieldset', {}, h('legend', {}, 'Working days'), days),
    h('label', { for: 'time-zone' }, 'Time zone (for example Europe/London)'),
    zone,
    numbers.flatMap(({ label, field }) => [label, field]),
    save,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    const workingDays = [...form.querySelectorAll<HTMLInputElement>('input[name="working-day"]:checked')].map(
      (box) => Number(box.value),
    );
    const result = await execute(SetMonitoringSettingsMutation, {
      expectedVersion: settings.version,
      input: {
        workingHoursStart: start.value,
        workingHoursEnd: end.value,
        timeZone: zone.value,
        workingDays,
        ...Object.fromEntries(numbers.map(({ name, field }) => [name, Number(field.value)])),
      },
    });
    if (!result.data) {
      save.disabled = false;
      showRefusal(outcome, actionErrorNotice(result.errors, {}, 'Nothing was changed.'));
      markRefusedInputs(form, result.errors);
      return;
    }
    await monitoringSettingsScreen(main, notice('Settings saved. New alerts use them.', 'success'));
  });
  render(
    main,
    screenHeading('Alert settings'),
    h(
      'p',
      {},
      'Working hours mark out-of-hours access on the heat-map; the thresholds decide when unusual access raises an alert.',
    ),
    outcome,
    form,
  );
  focusOutcome(message);
}
