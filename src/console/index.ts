/** The browser consoles and their assets; app.ts mounts them beside the API. */
import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { registerDatasetsConsole } from './datasets/datasets-console';
import { registerPrivacyConsole } from './privacy/privacy-console';
import { registerConsoleAssets } from './shared/console-assets';
import { registerConsoleSignIn } from './shared/console-sign-in';

export function createConsoles(): Hono<AppEnv> {
  const consoles = new Hono<AppEnv>();
  registerConsoleAssets(consoles);
  registerConsoleSignIn(consoles);
  registerPrivacyConsole(consoles);
  registerDatasetsConsole(consoles);
  return consoles;
}
