/**
 * Tiny DOM builders for the panel. Text is only ever set through `textContent`: a close reason, a
 * stream name or a recording's content is data, never markup.
 */

/** Creates an HTML element with a class and optional text. */
export function html<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className !== undefined) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** A table row of text cells. */
export function row(cells: readonly string[], className?: string): HTMLTableRowElement {
  const tr = html('tr', className);
  for (const cell of cells) tr.append(html('td', undefined, cell));
  return tr;
}

/** `12:03:04.512` in local time. */
export function clockTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
