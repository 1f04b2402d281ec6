/**
 * report.html as a reader sees it: opened from disk (file://) in headless Chromium, offline. Fails on any
 * console error, page error or request beyond the file itself; checks that every chart drew marks inside
 * a visible SVG and that no chart text spills out of its SVG; saves a full-page screenshot.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../src/report-html.ts';
import { buildFixtureReport } from './fixtures/report.ts';

const CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];

function findBrowser(): { executablePath?: string; reason?: string } {
  const override = process.env.HITCAST_CHROMIUM;
  if (override) return existsSync(override) ? { executablePath: override } : { reason: `HITCAST_CHROMIUM=${override} does not exist` };
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  return found ? { executablePath: found } : { reason: `no Chromium at ${CANDIDATES.join(' or ')}` };
}

const { executablePath, reason } = findBrowser();
if (!executablePath)
  console.warn(
    `report-browser.test.ts skipped: ${reason}. Install one with \`apt-get install chromium-headless-shell\` ` +
      '(Debian), or point HITCAST_CHROMIUM at a Chromium binary.',
  );

const WIDTH = 1180;

interface PageCheck {
  /** Per chart SVG: its data marks, its size on the page, and any text drawn outside it. */
  charts: { key: string; marks: number; width: number; height: number; spilled: string[] }[];
  /** Set only if a hostile string from the fixture ran as code. */
  injected?: number;
  scrollWidth: number;
  sections: string[];
}

/** Runs in the page (as source text: the test's TypeScript program has no DOM types). */
const IN_PAGE = `(() => {
  const charts = Array.from(document.querySelectorAll('figure.chart svg')).map((svg) => {
    const box = svg.getBoundingClientRect();
    const marks = svg.querySelectorAll(['path', 'line', 'rect', 'circle'].map((tag) => 'g[class*="role-mark"] ' + tag).join(', ')).length;
    const spilled = Array.from(svg.querySelectorAll('text'))
      .filter((t) => {
        const r = t.getBoundingClientRect();
        return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1);
      })
      .map((t) => t.textContent);
    return { key: svg.getAttribute('data-chart'), marks, width: box.width, height: box.height, spilled };
  });
  return {
    charts,
    injected: window.__hitcastInjected,
    scrollWidth: document.documentElement.scrollWidth,
    sections: Array.from(document.querySelectorAll('section')).map((s) => s.id),
  };
})()`;

describe('report.html in headless Chromium', () => {
  it.skipIf(!executablePath)(
    'opens offline without errors or requests, and every chart draws visible marks',
    async () => {
      const { chromium } = await import('playwright-core');
      const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-report-'));
      const file = path.join(dir, 'report.html');
      writeFileSync(file, await renderReportHtml(buildFixtureReport({ tuning: true, hostile: true })));
      const url = pathToFileURL(file).href;

      const browser = await chromium.launch({
        executablePath,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`));
        page.on('request', (r) => {
          if (r.url() !== url) problems.push(`request beyond the file: ${r.url()}`);
        });

        await page.goto(url, { waitUntil: 'load' });

        const { charts, injected, scrollWidth, sections } = await page.evaluate<PageCheck>(IN_PAGE);

        const screenshot = path.join(dir, 'report.png');
        await page.screenshot({ path: screenshot, fullPage: true });
        console.log(`report.html screenshot: ${screenshot}`);

        expect(problems).toEqual([]);
        expect(injected).toBeUndefined();
        expect(scrollWidth).toBeLessThanOrEqual(WIDTH);
        expect(sections).toEqual(['summary', 'metrics', 'metric-bars', 'predicted-actual', 'residuals', 'learning-curves', 'tuning']);
        expect(charts.map((c) => c.key)).toEqual(['metric-bars', 'predicted-actual', 'residuals', 'learning-curves', 'tuning-1', 'tuning-1-parameters']);
        for (const c of charts) {
          expect(c.marks, `${c.key}: marks`).toBeGreaterThan(0);
          expect(c.width, `${c.key}: width`).toBeGreaterThan(100);
          expect(c.height, `${c.key}: height`).toBeGreaterThan(100);
          expect(c.spilled, `${c.key}: text outside the chart`).toEqual([]);
        }
      } finally {
        await browser.close();
      }
    },
    30_000,
  );
});
