/**
 * The console's whole view layer: elements built with the DOM API, never from HTML strings, so text from the API
 * is always text (no markup injection) and no inline script or style is needed under the CSP.
 */
type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A link inside the console (hash routes, so the static host needs no rewrite rules). */
export const link = (route: string, text: string, attributes: Attributes = {}) =>
  h('a', { href: `#${route}`, ...attributes }, text);

/** A description list from label/value pairs; empty values are left out. */
export function facts(pairs: [string, Child | Child[]][]): HTMLDListElement {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .flatMap(([label, value]) => [
        h('dt', {}, label),
        h('dd', {}, ...(Array.isArray(value) ? value : [value])),
      ]),
  );
}

/** A status message that assistive technology announces. */
export const notice = (text: string, kind: 'info' | 'error' | 'success' = 'info') =>
  h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);

/** Replaces an element's content, leaving out the children that are absent. */
export function render(target: Element, ...children: Child[]): void {
  target.replaceChildren(
    ...children.flatMap((child) =>
      child === null || child === undefined || child === false
        ? []
        : [child instanceof Node ? child : String(child)],
    ),
  );
}
