import { describe, expect, it } from 'vitest';
import { REPORT_CSP, renderReport } from '../../../src/report/render.ts';
import { DAY, MONDAY, alert, churnAlert, logOf, reportData } from './fixtures.ts';

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

function richData() {
  const alerts = [
    alert({ kind: 'LARGE_OUTFLOW', priority: 'URGENT', customerId: 'C0000001', rmId: 'RM0001' }),
    alert({ kind: 'CUMULATIVE_OUTFLOW', customerId: 'C0000002', rmId: 'RM0002', detectedAt: MONDAY + 8 * DAY }),
    alert({ kind: 'UPGRADE_ELIGIBLE', priority: 'MEDIUM', tier: 'SILVER', reason: 'Eligible: GOLD (served SILVER); 30-day average …', detectedAt: MONDAY + 35 * DAY }),
    alert({ kind: 'DOWNGRADE_RISK', tier: 'PLATINUM', detectedAt: MONDAY + 36 * DAY }),
    churnAlert('C0000003', 72, MONDAY + 20 * DAY),
    churnAlert(HOSTILE, 91, MONDAY + 21 * DAY, `reason with ${HOSTILE}`),
    alert({ kind: 'DORMANCY', priority: 'LOW', customerId: 'C0000004', rmId: null, detectedAt: MONDAY + 50 * DAY }),
  ];
  const log = logOf(alerts);
  log.add({ feed: 'risk', alert: alert({ kind: 'LEAKAGE', priority: 'LOW' }) });
  return reportData({
    log,
    rmIds: ['RM0001', 'RM0002', 'RM0003'],
    title: `Report ${HOSTILE}`,
    scores: {
      asOf: MONDAY + 60 * DAY,
      customers: [
        { customerId: HOSTILE, rmId: 'RM0001', tier: 'GOLD', score: 91, reasons: [HOSTILE, 'balance 80% below its peak'] },
        { customerId: 'C0000003', rmId: 'RM0002', tier: 'SILVER', score: 55, reasons: ['no activity for 70 days'] },
        { customerId: 'C0000009', rmId: 'RM0002', tier: 'SILVER', score: 0, reasons: [] },
      ],
    },
  });
}

describe('renderReport', () => {
  it('writes one self-contained page: no script, nothing fetched, a content security policy that forbids both', () => {
    const page = renderReport(richData());
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP.replaceAll("'", '&#39;')}">`);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<(img|link|iframe|object|embed)\b/i);
    expect(page).not.toMatch(/<[a-z][^<>]*\s(src|href)=/i);
    // the only URL is the SVG namespace, which is a name and never fetched
    expect([...page.matchAll(/https?:\/\/[^"\s<]+/g)].map((match) => match[0])).toEqual(expect.arrayContaining(['http://www.w3.org/2000/svg']));
    expect(new Set([...page.matchAll(/https?:\/\/[^"\s<]+/g)].map((match) => match[0]))).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('escapes every text from the data: ids, reasons, the title', () => {
    const page = renderReport(richData());
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('draws every section: weekly alerts, RM load, tier migration, score distributions, customers at risk', () => {
    const page = renderReport(richData());
    for (const id of ['overview', 'weekly', 'rm-load', 'tiers', 'churn-scores', 'at-risk']) expect(page).toContain(`<section id="${id}">`);
    expect(page).not.toContain('<section id="backtest">');
    expect(page.match(/<svg /g)?.length).toBe(5); // weekly, RM load, tiers, two histograms
    expect(page).toContain('RM0003'); // an RM without alerts still has a row
    expect(page).toContain('eligible for GOLD');
    expect(page).toContain('at risk of losing PLATINUM');
    // final scores rank the customers at risk; a score of 0 is not a risk
    const table = page.slice(page.indexOf('<section id="at-risk">'));
    expect(table).toContain('C0000003');
    expect(table).not.toContain('C0000009');
  });

  it('falls back on the churn-risk alerts when there are no final scores', () => {
    const data = { ...richData(), scores: null };
    const page = renderReport(data);
    const table = page.slice(page.indexOf('<section id="at-risk">'));
    expect(table).toContain('highest score a churn-risk alert carried');
    expect(table.indexOf('&lt;script&gt;')).toBeLessThan(table.indexOf('C0000003')); // 91 before 72
    expect(page.match(/<svg /g)?.length).toBe(4);
  });

  it('says so instead of drawing empty charts when there is nothing', () => {
    const page = renderReport(reportData());
    expect(page).toContain('No alerts reached an RM queue.');
    expect(page).toContain('No churn-risk alerts.');
    expect(page).toContain('No customer has a churn score above 0.');
  });

  it('gives the same bytes for the same data', () => {
    expect(renderReport(richData())).toBe(renderReport(richData()));
  });
});
