import { execute } from '../api';
import { AccessHeatMapByServiceQuery, AccessHeatMapQuery } from '../documents';
import { h, notice, render } from '../dom';
import { type Capabilities, cellWords, dayHeadingWords, FLAG_LEGEND, flagMarks, heatLevel } from '../logic';
import { actorWords, errorNotice, readServices, screenHeading } from './shared';

/** The windows offered; the API draws at most 31 days. */
const PERIODS: readonly [number, string][] = [
  [7, 'Last 7 days'],
  [14, 'Last 14 days'],
  [31, 'Last 31 days'],
];
const DAY_MS = 86_400_000;
/** The route segment of the map by service (in place of a service id). */
const BY_SERVICE = 'by-service';

/**
 * Access at a glance: a table of staff (rows) by day (columns), each cell the day's reads, shaded by how busy it was
 * and marked with the alert rules' findings as letters, linking to the staff member's accesses of that day. A table,
 * not a picture: every cell is text a screen reader reads with its row and column headers, and keyboard reachable.
 * By service (`#/access/<days>/by-service`), the rows are services (a manager's own only), each cell linking to that
 * service's staff rows for the period.
 */
export async function accessAtAGlanceScreen(
  main: HTMLElement,
  capabilities: Capabilities,
  days = '14',
  serviceId?: string,
): Promise<void> {
  const period = PERIODS.find(([length]) => String(length) === days)?.[0] ?? 14;
  render(main, screenHeading('Access at a glance'), h('p', {}, 'Loading…'));
  const to = new Date();
  const from = new Date(to.getTime() - period * DAY_MS);
  const byService = serviceId === BY_SERVICE;
  const rowsSelect = h(
    'select',
    { id: 'heat-map-rows' },
    h('option', { value: 'staff', selected: !byService }, 'Staff members'),
    h('option', { value: BY_SERVICE, selected: byService }, 'Services'),
  );
  if (byService) {
    await byServiceMap(main, period, from, to, rowsSelect);
    return;
  }
  const [{ data, errors }, services] = await Promise.all([
    execute(AccessHeatMapQuery, {
      from: from.toISOString(),
      to: to.toISOString(),
      serviceId: serviceId ?? null,
    }),
    capabilities.accessHeatMapByService ? readServices() : undefined,
  ]);
  const map = data?.accessHeatMap;
  const select = h(
    'select',
    { id: 'heat-map-period' },
    PERIODS.map(([length, words]) => h('option', { value: length, selected: length === period }, words)),
  );
  const serviceOptions = services?.nodes ?? [];
  const serviceSelect =
    serviceOptions.length > 0
      ? h(
          'select',
          { id: 'heat-map-service' },
          h('option', { value: '' }, 'Every service'),
          serviceOptions.map((service) =>
            h('option', { value: service.id, selected: service.id === serviceId }, service.name),
          ),
        )
      : null;
  const controls = filters(
    () => {
      const service =
        rowsSelect.value === BY_SERVICE
          ? `/${BY_SERVICE}`
          : serviceSelect?.value
            ? `/${encodeURIComponent(serviceSelect.value)}`
            : '';
      return `#/access/${select.value}${service}`;
    },
    h('label', { for: 'heat-map-period' }, 'Period'),
    select,
    h('label', { for: 'heat-map-rows' }, 'Rows'),
    rowsSelect,
    serviceSelect ? h('label', { for: 'heat-map-service' }, 'Accesses to clients of') : null,
    serviceSelect,
  );
  const moreServices = services?.more
    ? notice(
        `Only the first ${serviceOptions.length} services are offered to narrow the map to: the organisation has more, not shown here.`,
      )
    : null;
  if (!map) {
    render(
      main,
      screenHeading('Access at a glance'),
      controls,
      moreServices,
      errorNotice(errors) ?? notice('The heat-map could not be read.', 'error'),
    );
    return;
  }
  const rows = new Map<string, { who: string; cells: Map<string, (typeof map.cells)[number]> }>();
  for (const cell of map.cells) {
    const row = rows.get(cell.staffId) ?? { who: actorWords(cell.actor), cells: new Map() };
    row.cells.set(cell.day, cell);
    rows.set(cell.staffId, row);
  }
  const ordered = [...rows].sort(([, a], [, b]) => a.who.localeCompare(b.who));
  const busiest = Math.max(0, ...map.cells.map((cell) => cell.reads));
  const legend = heatLegend(
    map.timeZone,
    'Each number is a day’s reads of people’s records; darker cells are busier days. Letters mark what the alert rules look at, with how many:',
    'Open a cell to see that day’s accesses.',
  );
  const table = h(
    'table',
    { class: 'heat-map', 'aria-describedby': 'heat-map-legend' },
    h(
      'caption',
      {},
      `Reads by staff member and day, ${dayHeadingWords(map.days[0] ?? '')} to ${dayHeadingWords(map.days.at(-1) ?? '')}: ${map.staffCount} staff`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Staff member'),
        map.days.map((day) =>
          h('th', { scope: 'col', class: 'day' }, h('abbr', { title: day }, dayHeadingWords(day))),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ordered.map(([staffId, row]) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, row.who),
          map.days.map((day) => {
            const cell = row.cells.get(day);
            if (!cell)
              return h('td', { class: 'heat heat-0' }, h('span', { class: 'visually-hidden' }, 'none'));
            const marks = flagMarks(cell);
            const words = cellWords(row.who, day, cell);
            return h(
              'td',
              { class: `heat heat-${heatLevel(cell.reads, busiest)}${marks.length > 0 ? ' flagged' : ''}` },
              h(
                'a',
                {
                  href: `#/staff/${encodeURIComponent(staffId)}/${day}/${encodeURIComponent(map.timeZone)}`,
                  title: words,
                },
                // The visible marks stay in the link's name (WCAG 2.5.3); the words after them say it in full.
                h('span', { class: 'reads' }, String(cell.reads)),
                marks.length > 0 ? h('span', { class: 'flags' }, ` ${marks.join(' ')}`) : null,
                h('span', { class: 'visually-hidden' }, ` — ${words} Open that day’s accesses.`),
              ),
            );
          }),
        ),
      ),
    ),
  );
  render(
    main,
    screenHeading('Access at a glance'),
    controls,
    moreServices,
    errorNotice(errors),
    map.truncated
      ? notice('This period has more accesses than one heat-map counts: the oldest days are incomplete.')
      : null,
    ordered.length === 0
      ? h('p', { class: 'empty' }, 'Nobody accessed a record in this period.')
      : h(
          'div',
          { class: 'heat-scroll', role: 'region', 'aria-label': 'Heat-map of reads', tabindex: 0 },
          table,
        ),
    legend,
  );
}

/**
 * The map by service: a row per service (a manager's own services only, as the API answers), each cell the day's
 * accesses to that service's clients, linking to the service's staff rows for the period.
 */
async function byServiceMap(
  main: HTMLElement,
  period: number,
  from: Date,
  to: Date,
  rowsSelect: HTMLSelectElement,
): Promise<void> {
  const { data, errors } = await execute(AccessHeatMapByServiceQuery, {
    from: from.toISOString(),
    to: to.toISOString(),
  });
  const select = h(
    'select',
    { id: 'heat-map-period' },
    PERIODS.map(([length, words]) => h('option', { value: length, selected: length === period }, words)),
  );
  const controls = filters(
    () => `#/access/${select.value}${rowsSelect.value === BY_SERVICE ? `/${BY_SERVICE}` : ''}`,
    h('label', { for: 'heat-map-period' }, 'Period'),
    select,
    h('label', { for: 'heat-map-rows' }, 'Rows'),
    rowsSelect,
  );
  const map = data?.accessHeatMap;
  if (!map) {
    render(
      main,
      screenHeading('Access at a glance'),
      controls,
      errorNotice(errors) ?? notice('The heat-map could not be read.', 'error'),
    );
    return;
  }
  const rows = new Map<string, { name: string; cells: Map<string, (typeof map.serviceCells)[number]> }>();
  for (const cell of map.serviceCells) {
    const row = rows.get(cell.serviceId) ?? { name: cell.serviceName, cells: new Map() };
    row.cells.set(cell.day, cell);
    rows.set(cell.serviceId, row);
  }
  const busiest = Math.max(0, ...map.serviceCells.map((cell) => cell.reads));
  const table = h(
    'table',
    { class: 'heat-map', 'aria-describedby': 'heat-map-legend' },
    h(
      'caption',
      {},
      `Reads by service and day, ${dayHeadingWords(map.days[0] ?? '')} to ${dayHeadingWords(map.days.at(-1) ?? '')}: ${rows.size} ${rows.size === 1 ? 'service' : 'services'}`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Service'),
        map.days.map((day) =>
          h('th', { scope: 'col', class: 'day' }, h('abbr', { title: day }, dayHeadingWords(day))),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      [...rows].map(([serviceId, row]) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, row.name),
          map.days.map((day) => {
            const cell = row.cells.get(day);
            if (!cell)
              return h('td', { class: 'heat heat-0' }, h('span', { class: 'visually-hidden' }, 'none'));
            const marks = flagMarks(cell);
            const words = cellWords(row.name, day, cell);
            return h(
              'td',
              { class: `heat heat-${heatLevel(cell.reads, busiest)}${marks.length > 0 ? ' flagged' : ''}` },
              h(
                'a',
                { href: `#/access/${period}/${encodeURIComponent(serviceId)}`, title: words },
                h('span', { class: 'reads' }, String(cell.reads)),
                marks.length > 0 ? h('span', { class: 'flags' }, ` ${marks.join(' ')}`) : null,
                h('span', { class: 'visually-hidden' }, ` — ${words} Open the service’s staff rows.`),
              ),
            );
          }),
        ),
      ),
    ),
  );
  render(
    main,
    screenHeading('Access at a glance'),
    controls,
    errorNotice(errors),
    map.truncated
      ? notice('This period has more accesses than one heat-map counts: the oldest days are incomplete.')
      : null,
    rows.size === 0
      ? h('p', { class: 'empty' }, 'Nobody accessed a service’s records in this period.')
      : h(
          'div',
          { class: 'heat-scroll', role: 'region', 'aria-label': 'Heat-map of reads by service', tabindex: 0 },
          table,
        ),
    heatLegend(
      map.timeZone,
      'Each number is a day’s reads of the service’s people’s records; darker cells are busier days. Letters mark what the alert rules look at, with how many:',
      'Open a cell to see the service’s staff members for the period.',
    ),
  );
}

/**
 * The map's filters, applied when the person asks (the button, or Enter in a list), never on each change of a list: a
 * keyboard user moves through a list's options with the arrow keys, each a change, and the map must not be drawn
 * again, taking their focus to the heading, at the first of them.
 */
function filters(address: () => string, ...controls: (HTMLElement | null)[]): HTMLFormElement {
  const form = h(
    'form',
    { class: 'filter', 'aria-label': 'Which accesses to show' },
    ...controls,
    h('button', { type: 'submit', class: 'secondary' }, 'Show the map'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const target = address();
    // The same filters again read the map again (its data may have changed since).
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = target;
  });
  return form;
}

/** How to read a map: what the numbers are, the letters' legend, the time zone and where a cell leads. */
function heatLegend(timeZone: string, numbers: string, opens: string): HTMLElement {
  return h(
    'div',
    { class: 'heat-legend', id: 'heat-map-legend' },
    h('h2', {}, 'How to read it'),
    h('p', {}, numbers),
    h(
      'ul',
      { class: 'flag-legend' },
      FLAG_LEGEND.map(([letter, meaning]) =>
        h('li', {}, h('span', { class: 'flag' }, letter), ` ${meaning}`),
      ),
    ),
    h('p', {}, 'A marked cell also has a dashed outline. Days are in ', timeZone, `. ${opens}`),
  );
}
