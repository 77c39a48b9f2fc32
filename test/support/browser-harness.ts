/**
 * A real HTTP server for an app and a headless Debian Chromium page pointed at it, for the console
 * tests. Console errors and uncaught page errors are collected so each test can assert there were
 * none; `expectChartDrawn` checks a Chart.js chart exists and has painted pixels.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserHarness {
  baseUrl: string;
  browser: Browser;
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function openBrowserHarness(fetchHandler: (request: Request) => Response | Promise<Response>): Promise<BrowserHarness> {
  const server: ServerType = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return {
    baseUrl,
    browser,
    page,
    consoleErrors,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The chart exists as a Chart.js instance and has painted non-transparent pixels. */
export async function expectChartDrawn(page: Page, canvasId: string): Promise<void> {
  await page.waitForFunction((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement | null;
    const chart = (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
    return canvas !== null && chart?.getChart(canvas) !== undefined;
  }, canvasId);
  const painted = await page.evaluate((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement;
    const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    let count = 0;
    for (let index = 3; index < pixels.length; index += 4) if ((pixels[index] ?? 0) > 0) count += 1;
    return count;
  }, canvasId);
  expect(painted, `${canvasId} painted pixels`).toBeGreaterThan(500);
}
