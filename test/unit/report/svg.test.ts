import { describe, expect, it } from 'vitest';
import { horizontalBars } from '../../../src/report/svg/horizontal-bars.ts';
import { niceTicks } from '../../../src/report/svg/scale.ts';
import { stackedBars } from '../../../src/report/svg/stacked-bars.ts';

const rects = (svg: string) => [...svg.matchAll(/<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)" height="([\d.-]+)"/g)].map((match) => match.slice(1).map(Number));

describe('report charts', () => {
  it('picks round ticks that cover the data, negative values included', () => {
    expect(niceTicks(0, 37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(-12, 23)).toEqual([-20, -10, 0, 10, 20, 30]);
    expect(niceTicks(0, 0)).toEqual([0, 1]);
    expect(niceTicks(0, 3)).toEqual([0, 1, 2, 3]);
  });

  it('stacks positive segments up from zero and negative ones down, each with its tooltip', () => {
    const svg = stackedBars({
      title: 'migration',
      categories: ['2025-01', '2025-02'],
      series: [
        { name: 'up', color: '#00f', values: [3, 0] },
        { name: 'down', color: '#f00', values: [-2, -4] },
      ],
      height: 200,
    }).text;
    const bars = rects(svg);
    expect(bars).toHaveLength(3); // the zero value draws nothing
    const zeroY = Number(/y1="([\d.]+)" y2="[\d.]+" class="zero"/.exec(svg)?.[1]);
    const [up, down] = bars;
    expect(up![1]! + up![3]!).toBeCloseTo(zeroY, 1); // ends at the axis
    expect(down![1]).toBeCloseTo(zeroY, 1); // starts at the axis
    expect(svg).toContain('<title>2025-02 · down: 4</title>');
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('escapes category and series names', () => {
    const svg = stackedBars({ title: 'a<b', categories: ['<x>'], series: [{ name: '"s"', color: '#000', values: [1] }] }).text;
    expect(svg).not.toContain('<x>');
    expect(svg).toContain('&lt;x&gt; · &quot;s&quot;: 1');
  });

  it('draws one row per bar with its marker', () => {
    const svg = horizontalBars({
      title: 'load',
      rows: [
        { label: 'RM0001', value: 4.5, marker: 9, tooltip: 'RM0001: 9 at most' },
        { label: 'RM0002', value: 0, tooltip: 'RM0002: none' },
      ],
      color: '#333',
      markerColor: '#f0f',
    }).text;
    expect(svg.match(/<g class="row">/g)).toHaveLength(2);
    expect(svg.match(/class="marker"/g)).toHaveLength(1);
    expect(svg).toContain('RM0002: none');
  });
});
