import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../../src/report/html.ts';

describe('report html', () => {
  it('escapes the five characters that can end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes every interpolated value unless it is markup made here', () => {
    const name = '</td><script>alert(1)</script>';
    const cell = html`<td title="${name}">${name}</td>`;
    expect(cell.text).toBe('<td title="&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html`<tr>${cell}${[html`<td>${1}</td>`, null, undefined, 'a&b']}${raw('<td></td>')}</tr>`.text).toBe(`<tr>${cell.text}<td>1</td>a&amp;b<td></td></tr>`);
  });
});
