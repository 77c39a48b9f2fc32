/**
 * Starts ONE Worker (wrangler + workerd + local D1) for the HTTP contract suites of a run, because
 * starting wrangler is the slow part and a dozen of them at once overload a small machine. Suites
 * take turns on it (test/support/http-target.ts holds a cross-process lock for a describe block),
 * so storage differences measured by one suite are not disturbed by another.
 * Nothing is started when the run selects no contract suite or excludes the workers target.
 */
import type { TestProject } from 'vitest/node';
import { generateTestSecrets, startWorkersServer } from '../workers/support/wrangler';
import { CONTRACT_ENVIRONMENT, HTTP_TARGETS } from './http-target-config';
import { ADMIN_TOKEN } from './test-app';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared contract Worker; empty when none was started. */
    contractWorkerUrl: string;
  }
}

/** File filters given on the command line (`vitest run test/http/x.test.ts`); none means every file. */
function selectsContractSuites(): boolean {
  const filters = process.argv.slice(2).filter((argument) => !argument.startsWith('-') && argument !== 'run');
  return filters.length === 0 || filters.some((filter) => /http/.test(filter));
}

export async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  project.provide('contractWorkerUrl', '');
  if (!HTTP_TARGETS.includes('workers') || !selectsContractSuites()) return;
  try {
    const server = await startWorkersServer({
      entry: 'test/workers/fixtures/test-worker.ts',
      vars: { ...(await generateTestSecrets()), BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN, ...CONTRACT_ENVIRONMENT },
    });
    project.provide('contractWorkerUrl', server.url);
    return () => server.stop();
  } catch (error) {
    // Never fail the whole run here: each suite then starts a Worker of its own, and fails on its own if that fails too.
    console.warn(`The shared contract Worker did not start; suites start their own. ${(error as Error).message.slice(0, 500)}`);
  }
}
