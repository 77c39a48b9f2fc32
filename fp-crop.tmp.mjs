import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--allow-file-access-from-files'] });
const page = await browser.newPage({ viewport: { width: 390, height: 1300 } });
for (const [name, y] of process.argv.slice(2).map((arg) => arg.split(':'))) {
  writeFileSync('/tmp/fp-crop.html', `<body style="margin:0"><img src="/work/wt-FP/test-artifacts/console-tour/${name}.png" style="display:block;margin-top:-${y||0}px"></body>`);
  await page.goto('file:///tmp/fp-crop.html');
  await page.screenshot({ path: `/tmp/fp-${name}-${y||0}.png` });
}
await browser.close();
