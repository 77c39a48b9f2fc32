/**
 * Independent verification of a release package, as a researcher would do it: the signature over
 * the bytes of datapackage.json (which must be its RFC 8785 canonical form) with a published key, every listed file's size and SHA-256, and
 * the chain link to the previous release; and, when the descriptor names one, the DSSE-signed in-toto
 * provenance statement (its signature and that its subjects are exactly these files' hashes). It uses only WebCrypto and the package's own bytes, so
 * scripts/verify.ts runs it against downloaded files or a folder, and tests run it in-process.
 */
import { Buffer } from 'node:buffer';
import { openProvenance, statementMismatches } from './provenance';
import { canonicalJsonText, type Ed25519PublicJwk, sha256Hex, utf8, verifyWithJwk } from './release-signing';

export interface PackageSource {
  /** Bytes of a file named in the package (datapackage.json, data.csv, ...); undefined when missing. */
  read(path: string): Promise<Uint8Array | undefined>;
}

export interface VerificationCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface PackageVerification {
  ok: boolean;
  releaseId: string | undefined;
  datasetId: string | undefined;
  period: string | undefined;
  /** SHA-256 of the canonical datapackage.json: what the next release's chain link must name. */
  packageSha256: string | undefined;
  previous: { id: string; sha256: string } | null;
  signingKeyId: string | undefined;
  checks: VerificationCheck[];
}

/** A raw 64-byte Ed25519 signature, or its base64 text. */
export function decodeSignature(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength === 64) return bytes;
  const text = new TextDecoder().decode(bytes).trim();
  return new Uint8Array(Buffer.from(text, 'base64'));
}

interface DescriptorResource {
  path?: unknown;
  bytes?: unknown;
  hash?: unknown;
}

export async function verifyPackage(
  source: PackageSource,
  keys: readonly Ed25519PublicJwk[],
  options: { signature?: Uint8Array } = {},
): Promise<PackageVerification> {
  const checks: VerificationCheck[] = [];
  const add = (check: string, ok: boolean, detail: string) => checks.push({ check, ok, detail });
  const result: PackageVerification = {
    ok: false,
    releaseId: undefined,
    datasetId: undefined,
    period: undefined,
    packageSha256: undefined,
    previous: null,
    signingKeyId: undefined,
    checks,
  };

  const raw = await source.read('datapackage.json');
  if (!raw) {
    add('datapackage.json', false, 'missing');
    return result;
  }
  let descriptor: Record<string, unknown>;
  try {
    descriptor = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as Record<string, unknown>;
  } catch {
    add('datapackage.json', false, 'not valid UTF-8 JSON');
    return result;
  }
  // The signature and the chain cover the bytes as served; they must also be the RFC 8785 form, so
  // that a number or escape written differently (same value, other bytes) cannot pass either.
  const canonical = utf8(canonicalJsonText(descriptor));
  const isCanonical = Buffer.compare(Buffer.from(raw), Buffer.from(canonical)) === 0;
  add('canonical form', isCanonical, isCanonical ? 'datapackage.json is in RFC 8785 canonical form' : 'datapackage.json differs from its RFC 8785 canonical form (re-formatted or altered)');
  result.packageSha256 = await sha256Hex(raw);
  result.releaseId = typeof descriptor.id === 'string' ? descriptor.id : undefined;
  const dataset = descriptor.dataset as { id?: string; period?: { id?: string } } | undefined;
  result.datasetId = dataset?.id;
  result.period = dataset?.period?.id;
  const chain = descriptor.chain as { previous?: { id: string; sha256: string } | null } | undefined;
  result.previous = chain?.previous ?? null;
  const signatureBytes = options.signature ?? (await source.read('datapackage.json.sig'));
  if (!signatureBytes) {
    add('signature', false, 'datapackage.json.sig is missing');
  } else {
    const signature = decodeSignature(signatureBytes);
    let verifiedBy: string | undefined;
    for (const key of keys) {
      if (await verifyWithJwk(key, raw, signature).catch(() => false)) {
        verifiedBy = key.kid;
        break;
      }
    }
    result.signingKeyId = verifiedBy;
    add(
      'signature',
      verifiedBy !== undefined,
      verifiedBy ? `Ed25519 signature valid (key ${verifiedBy})` : `no published key (${keys.length} tried) verifies the signature`,
    );
  }

  const resources = Array.isArray(descriptor.resources) ? (descriptor.resources as DescriptorResource[]) : [];
  if (resources.length === 0) add('resources', false, 'the package lists no resources');
  const fileHashes = new Map<string, string>([['datapackage.json', result.packageSha256]]);
  for (const resource of resources) {
    const path = typeof resource.path === 'string' ? resource.path : undefined;
    if (!path || path.includes('..') || path.startsWith('/') || /^[a-z]+:/i.test(path)) {
      add('resource', false, `unsafe or missing path ${JSON.stringify(resource.path)}`);
      continue;
    }
    const bytes = await source.read(path);
    if (!bytes) {
      add(path, false, 'missing');
      continue;
    }
    const expectedHash = typeof resource.hash === 'string' ? resource.hash.replace(/^sha256:/, '') : undefined;
    const actualHash = await sha256Hex(bytes);
    add(`${path} sha256`, expectedHash === actualHash, expectedHash === actualHash ? actualHash : `expected ${expectedHash}, got ${actualHash}`);
    add(`${path} bytes`, resource.bytes === bytes.byteLength, `expected ${String(resource.bytes)}, got ${bytes.byteLength}`);
    fileHashes.set(path, actualHash);
  }
  await checkProvenance(source, descriptor, keys, fileHashes, result, add);
  result.ok = checks.every((check) => check.ok);
  return result;
}

/**
 * The provenance attestation the signed descriptor names (descriptor.attestations.provenance.path):
 * it must be there, verify with a published key over its DSSE pre-authentication encoding, and
 * name exactly the package's files with their hashes. Packages made before attestations name none.
 */
async function checkProvenance(
  source: PackageSource,
  descriptor: Record<string, unknown>,
  keys: readonly Ed25519PublicJwk[],
  fileHashes: ReadonlyMap<string, string>,
  result: PackageVerification,
  add: (check: string, ok: boolean, detail: string) => void,
): Promise<void> {
  const path = (descriptor.attestations as { provenance?: { path?: unknown } } | undefined)?.provenance?.path;
  if (path === undefined) {
    add('provenance', true, 'none (the package predates provenance attestations)');
    return;
  }
  if (typeof path !== 'string' || path.includes('/') || path.includes('..')) {
    add('provenance', false, `unsafe path ${JSON.stringify(path)}`);
    return;
  }
  const bytes = await source.read(path);
  if (!bytes) {
    add(`${path} signature`, false, 'missing (the signed datapackage.json names it)');
    return;
  }
  const opened = await openProvenance(bytes, keys);
  if (opened.problem || !opened.statement) {
    add(`${path} signature`, false, opened.problem ?? 'unreadable');
    return;
  }
  add(
    `${path} signature`,
    opened.verifiedBy !== undefined,
    opened.verifiedBy ? `DSSE Ed25519 signature valid (key ${opened.verifiedBy})` : `no signature verifies with the published key its keyid names (${keys.length} published)`,
  );
  const problems = statementMismatches(opened.statement, {
    subjects: fileHashes,
    datasetId: result.datasetId,
    period: result.period,
    previous: result.previous,
  });
  add(`${path} statement`, problems.length === 0, problems.length === 0 ? `in-toto subjects match the ${fileHashes.size} files; SLSA provenance names this dataset, period and previous release` : problems.join('; '));
}

/** Checks that `next` names `previous` (its id and the SHA-256 of its canonical datapackage.json). */
export function verifyChainLink(next: PackageVerification, previous: PackageVerification): VerificationCheck {
  const link = next.previous;
  const ok =
    link !== null &&
    link.id === previous.releaseId &&
    link.sha256 === previous.packageSha256 &&
    next.datasetId === previous.datasetId;
  return {
    check: 'chain link',
    ok,
    detail: ok
      ? `${next.releaseId} -> ${previous.releaseId} (${previous.packageSha256})`
      : `release ${next.releaseId} names ${JSON.stringify(link)}, but the previous package is ${previous.releaseId} with sha256 ${previous.packageSha256}`,
  };
}
