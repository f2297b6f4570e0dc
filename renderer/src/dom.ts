/** Tiny DOM helpers: element creation with attributes and children, no framework. */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** A labelled form field: <label class="field"><span>text</span>control</label>. */
export function field(text: string, control: HTMLElement): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', { class: 'label-text', text }), control);
}

/** A collapsible panel section with a heading button (aria-expanded) and a body. */
export function panelSection(id: string, title: string, expanded = true): { section: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'panel-body', id: `${id}-body` });
  const toggle = h('button', { type: 'button', 'aria-expanded': String(expanded), 'aria-controls': `${id}-body` },
    h('span', { text: title }), h('span', { class: 'chevron', 'aria-hidden': 'true' }));
  body.hidden = !expanded;
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    body.hidden = !open;
  });
  const section = h('section', { class: 'panel-section', id, 'aria-label': title }, h('h2', {}, toggle), body);
  return { section, body };
}

/** Formats a number for display with a sensible number of significant digits. */
export function formatValue(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(digits - 1);
  if (a >= 1000) return v.toFixed(0);
  return Number(v.toPrecision(digits)).toString();
}

/**
 * The value of a <select> as one of the choices it was built from, so a typed job param never
 * holds a stray string (the engine checks it again).
 */
export function chosen<T extends string>(select: HTMLSelectElement, choices: readonly T[]): T {
  const value = select.value;
  const found = choices.find((c) => c === value);
  if (found === undefined) throw new Error(`${select.getAttribute('aria-label') ?? 'select'}: '${value}' is not one of ${choices.join(', ')}`);
  return found;
}
