import { resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** The console's own copy of axe-core (an exact devDependency). */
const AXE_SCRIPT = resolve(__dirname, '../../node_modules/axe-core/axe.min.js');

/** What pressing Tab through a page found: the interactive elements it never reached, and those that showed no focus. */
export interface KeyboardWalk {
  interactive: number;
  unreached: string[];
  noVisibleFocus: string[];
}

const INTERACTIVE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Presses Tab from the top of the page until focus comes round again (or twice the number of elements), and checks
 * that every visible interactive element was focused and, while focused, drew an outline or a shadow.
 */
export async function walkWithTab(page: Page): Promise<KeyboardWalk> {
  const interactive = await page.evaluate((selector) => {
    const visible = Array.from(document.querySelectorAll<HTMLElement>(selector)).filter((element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden');
    visible.forEach((element, index) => (element.dataset.uxIndex = String(index)));
    return visible.length;
  }, INTERACTIVE);
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const reached = new Set<string>();
  const noVisibleFocus = new Set<string>();
  let previous: string | undefined;
  for (let press = 0; press < interactive * 4 + 5; press += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return undefined;
      const style = getComputedStyle(element);
      const shows = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
      const name = `${element.tagName.toLowerCase()} ${(element.textContent ?? '').trim().slice(0, 30) || element.getAttribute('name') || element.getAttribute('aria-label') || ''}`;
      return { index: element.dataset.uxIndex, shows, name };
    });
    if (!focused?.index) continue;
    // A date-time input takes several Tabs (day, month, year…) on the same element: only coming round again ends the walk.
    if (focused.index === previous) continue;
    previous = focused.index;
    if (reached.has(focused.index)) break;
    reached.add(focused.index);
    if (!focused.shows) noVisibleFocus.add(focused.name);
  }
  const unreached = await page.evaluate(
    (seen) => Array.from(document.querySelectorAll<HTMLElement>('[data-ux-index]')).filter((element) => !seen.includes(element.dataset.uxIndex ?? '')).map((element) => `${element.tagName.toLowerCase()} ${(element.textContent ?? '').trim().slice(0, 30)}`),
    [...reached],
  );
  return { interactive, unreached, noVisibleFocus: [...noVisibleFocus] };
}

/** Whether the page scrolls sideways at its current viewport. */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/**
 * Elements that carry a status, severity, category or overdue mark by their class (and so by colour) but say
 * nothing in text or in an accessible name: colour would be the only signal.
 */
export function colourOnlyMarks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('[class*="severity-"], [class*="status-"], [class*="overdue"], .aqi-badge, .state, [class*="credit-"]'))
      .filter((element) => element.getClientRects().length > 0)
      .filter((element) => (element.textContent ?? '').trim() === '' && !element.getAttribute('aria-label') && !element.getAttribute('title'))
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
  );
}

/** axe-core's serious and critical violations of the page (the page's context must bypass CSP to inject it). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.impact}: ${violation.id} at ${violation.nodes.slice(0, 3).map((node) => JSON.stringify(node.target)).join(', ')}`);
  });
}
