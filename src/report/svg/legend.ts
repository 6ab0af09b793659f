import { html } from '../html.ts';
import type { Html } from '../html.ts';

/** The series of a chart, as an HTML list of swatches under it. */
export function legend(items: ReadonlyArray<{ name: string; color: string; note?: string }>): Html {
  return html`<ul class="legend">${items.map(
    (item) => html`<li><span class="swatch" style="background:${item.color}"></span>${item.name}${item.note === undefined ? null : html` <span class="muted">${item.note}</span>`}</li>`,
  )}</ul>`;
}
