/**
 * Verifies release packages the way a researcher would: every file's size and SHA-256 against
 * datapackage.json, the Ed25519 signature over its RFC 8785 canonical bytes with a key from the
 * service's JWKS, the DSSE-signed in-toto provenance (provenance.intoto.jsonl) the descriptor names,
 * and the chain link to the previous release.
 *
 *   npm run verify -- https://telemetry.example/v1/releases/<id>            one release (+ its link)
 *   npm run verify -- https://telemetry.example/v1/releases/<id> --chain    every release back to the first
 *   npm run verify -- <url> --chain --save ./releases                        ...and keep the files
 *   npm run verify -- ./releases/<id> [--jwks ./releases/jwks.json]          a downloaded folder
 *   npm run verify -- ./releases --chain                                     a saved chain (one sub-folder per release)
 *
 * The chain link to the previous release is checked whenever that release is at hand (a sibling URL
 * or folder). A single downloaded release verifies on its own: its link is reported as "not checked
 * (previous release not given)". With --chain a missing previous release is a failure.
 *
 * Exit status 0 when everything verifies, 1 when anything does not, 2 on a usage error.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Ed25519PublicJwk } from '../src/releases/release-signing';
import { type PackageSource, type PackageVerification, verifyChainLink, verifyPackage, type VerificationCheck } from '../src/releases/release-verification';

const usage = `usage: npm run verify -- <release URL | folder> [--chain] [--jwks <URL | file>] [--save <folder>] [--json]`;

const SIGNATURE_FILES = ['datapackage.json.sig', 'datapackage.json.sig.b64'];

interface Location {
  /** Reads a file of this release; undefined when absent. */
  source: PackageSource;
  /** Where the release with this id lives (a sibling URL, or a sibling folder). */
  sibling(releaseId: string): Location;
  label: string;
  saveTo?: string | undefined;
}

function urlLocation(base: URL, saveRoot: string | undefined): Location {
  const cache = new Map<string, Promise<Uint8Array | undefined>>();
  const releaseId = base.pathname.split('/').filter(Boolean).at(-1) ?? 'release';
  const saveTo = saveRoot ? join(saveRoot, releaseId) : undefined;
  return {
    label: base.href,
    saveTo,
    source: {
      read: (path) => {
        let pending = cache.get(path);
        if (!pending) {
          pending = (async () => {
            const response = await fetch(new URL(path, base), { headers: { accept: '*/*' } });
            if (response.status === 404) return undefined;
            if (!response.ok) throw new Error(`GET ${new URL(path, base).href}: HTTP ${response.status}`);
            const bytes = new Uint8Array(await response.arrayBuffer());
            if (saveTo) {
              mkdirSync(saveTo, { recursive: true });
              writeFileSync(join(saveTo, path), bytes);
            }
            return bytes;
          })();
          cache.set(path, pending);
        }
        return pending;
      },
    },
    sibling: (id) => urlLocation(new URL(`../${id}/`, base), saveRoot),
  };
}

function folderLocation(folder: string): Location {
  return {
    label: folder,
    source: {
      read: async (path) => {
        const file = join(folder, path);
        return existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;
      },
    },
    sibling: (id) => folderLocation(join(folder, '..', id)),
  };
}

async function readSignature(location: Location): Promise<Uint8Array | undefined> {
  for (const name of SIGNATURE_FILES) {
    const bytes = await location.source.read(name);
    if (bytes) return bytes;
  }
  return undefined;
}

async function loadKeys(where: string): Promise<Ed25519PublicJwk[]> {
  const text = /^https?:\/\//.test(where)
    ? await fetch(where).then((response) => {
        if (!response.ok) throw new Error(`GET ${where}: HTTP ${response.status}`);
        return response.text();
      })
    : readFileSync(where, 'utf8');
  const parsed = JSON.parse(text) as { keys?: Ed25519PublicJwk[] };
  return parsed.keys ?? [];
}

interface Report {
  label: string;
  verification: PackageVerification;
  /** `notChecked`: the previous release was not given, and --chain did not ask for it. */
  link?: VerificationCheck & { notChecked?: boolean };
}

async function verifyAt(location: Location, keys: readonly Ed25519PublicJwk[]): Promise<PackageVerification> {
  const signature = await readSignature(location);
  return verifyPackage(location.source, keys, signature ? { signature } : {});
}

/**
 * Verifies the release at `start` and walks back its chain (all of it with `wholeChain`, one link
 * otherwise). A previous release that is not at hand fails the link only when `requirePrevious`.
 */
async function verifyFrom(start: Location, keys: readonly Ed25519PublicJwk[], wholeChain: boolean, requirePrevious = wholeChain): Promise<Report[]> {
  const reports: Report[] = [];
  let location = start;
  let current = await verifyAt(location, keys);
  reports.push({ label: location.label, verification: current });
  const seen = new Set<string>();
  while (current.previous) {
    if (seen.has(current.previous.id)) {
      reports.at(-1)!.link = { check: 'chain link', ok: false, detail: `loop at ${current.previous.id}` };
      break;
    }
    seen.add(current.previous.id);
    const previousLocation = location.sibling(current.previous.id);
    if (!(await previousLocation.source.read('datapackage.json'))) {
      reports.at(-1)!.link = requirePrevious
        ? { check: 'chain link', ok: false, detail: `previous release ${current.previous.id} not found at ${previousLocation.label} (--chain needs it)` }
        : { check: 'chain link', ok: true, notChecked: true, detail: 'not checked (previous release not given)' };
      break;
    }
    const previous = await verifyAt(previousLocation, keys);
    reports.at(-1)!.link = verifyChainLink(current, previous);
    reports.push({ label: previousLocation.label, verification: previous });
    if (!wholeChain) break;
    location = previousLocation;
    current = previous;
  }
  return reports;
}

/** A folder holding one sub-folder per release: verify each chain from its newest release. */
async function verifySavedChain(folder: string, keys: readonly Ed25519PublicJwk[], requirePrevious: boolean): Promise<Report[]> {
  const releases = readdirSync(folder).filter((name) => existsSync(join(folder, name, 'datapackage.json')));
  const verifications = new Map<string, PackageVerification>();
  for (const name of releases) verifications.set(name, await verifyAt(folderLocation(join(folder, name)), keys));
  const named = new Set([...verifications.values()].map((verification) => verification.previous?.id).filter(Boolean));
  const heads = releases.filter((name) => !named.has(verifications.get(name)!.releaseId));
  const reports: Report[] = [];
  for (const head of heads) reports.push(...(await verifyFrom(folderLocation(join(folder, head)), keys, true, requirePrevious)));
  return reports;
}

function printReport(reports: readonly Report[]): void {
  for (const { label, verification, link } of reports) {
    console.log(`${verification.ok ? 'OK  ' : 'FAIL'} ${verification.datasetId ?? '?'} ${verification.period ?? '?'} release ${verification.releaseId ?? '?'} (${label})`);
    for (const check of verification.checks) console.log(`     ${check.ok ? '✓' : '✗'} ${check.check}: ${check.detail}`);
    if (link) console.log(`     ${link.notChecked ? '–' : link.ok ? '✓' : '✗'} ${link.check}: ${link.detail}`);
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        chain: { type: 'boolean', default: false },
        jwks: { type: 'string' },
        save: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  const target = positionals[0]!;
  let reports: Report[];
  if (/^https?:\/\//.test(target)) {
    const url = new URL(target);
    url.pathname = `${url.pathname.replace(/\/datapackage\.json$/, '').replace(/\/+$/, '')}/`;
    const jwksUrl = values.jwks ?? new URL('/.well-known/jwks.json', url).href;
    const keys = await loadKeys(jwksUrl);
    if (values.save) {
      mkdirSync(values.save, { recursive: true });
      writeFileSync(join(values.save, 'jwks.json'), `${JSON.stringify({ keys }, null, 2)}\n`);
    }
    const start = urlLocation(url, values.save ? resolve(values.save) : undefined);
    // Fetch the signature in both encodings when saving, so the folder works with openssl too.
    if (values.save) await start.source.read('datapackage.json.sig.b64');
    reports = await verifyFrom(start, keys, values.chain);
  } else {
    const folder = resolve(target);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      console.error(`not a folder or URL: ${target}\n${usage}`);
      return 2;
    }
    const jwksPath = values.jwks ?? [join(folder, 'jwks.json'), join(folder, '..', 'jwks.json')].find((path) => existsSync(path));
    if (!jwksPath) {
      console.error('no jwks.json in or next to the folder; pass --jwks <URL | file>');
      return 2;
    }
    const keys = await loadKeys(jwksPath);
    reports = existsSync(join(folder, 'datapackage.json'))
      ? await verifyFrom(folderLocation(folder), keys, values.chain)
      : await verifySavedChain(folder, keys, values.chain);
  }
  const ok = reports.length > 0 && reports.every((report) => report.verification.ok && (report.link?.ok ?? true));
  if (values.json) console.log(JSON.stringify({ ok, releases: reports }, null, 2));
  else {
    printReport(reports);
    console.log(ok ? `verified ${reports.length} release(s)` : 'VERIFICATION FAILED');
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`verify: ${(error as Error).message}`);
    process.exit(1);
  },
);
