/**
 * provenance.intoto.jsonl: a DSSE envelope (https://github.com/secure-systems-lab/dsse, v1) signed
 * with the release key, around an in-toto Statement v1 whose predicate has the shape of SLSA
 * provenance v1. It is what AI supply-chain tooling (in-toto, SLSA verifiers, OpenSSF model
 * signing, which also wraps an in-toto statement in DSSE) reads, where datapackage.json.sig is what
 * the project's own verifier and openssl read; both are signed by the same Ed25519 key.
 *
 * The statement's subjects are every file the descriptor lists and datapackage.json itself, each
 * with its SHA-256. The envelope cannot be listed in datapackage.json (it names that file's hash),
 * so the descriptor names its path instead: a release whose signed descriptor names it must have it.
 *
 * DSSE signs the pre-authentication encoding (PAE) of the payload, never the JSON around it:
 *   "DSSEv1" SP LEN(payloadType) SP payloadType SP LEN(payload) SP payload
 * with LEN the byte length in ASCII decimal and SP one space (0x20). docs/releases.md shows how to
 * build those bytes and check the signature with stock openssl.
 */
import { Buffer } from 'node:buffer';
import { canonicalJsonText, type Ed25519PublicJwk, type ReleaseSigningKey, utf8, verifyWithJwk } from './release-signing';
import { SERVICE_NAME, SERVICE_PURL, SERVICE_VERSION } from './service-identity';

export const PROVENANCE_PATH = 'provenance.intoto.jsonl';
/** One JSON envelope per line (the in-toto convention for *.intoto.jsonl). */
export const PROVENANCE_MEDIA_TYPE = 'application/jsonl';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_TYPE = 'https://slsa.dev/provenance/v1';
/** The build type: one release of one dataset for one period; the dataset and period are external parameters. */
export const RELEASE_BUILD_TYPE = `urn:${SERVICE_NAME}:build-type:dataset-period-release:v1`;

export interface Subject {
  name: string;
  digest: { sha256: string };
}

export interface ResourceDescriptor {
  name: string;
  uri?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface InTotoStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: Subject[];
  predicateType: typeof SLSA_PROVENANCE_TYPE;
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: Record<string, unknown>;
      internalParameters?: Record<string, unknown>;
      resolvedDependencies: ResourceDescriptor[];
    };
    runDetails: {
      builder: { id: string; version: Record<string, string> };
      metadata: { invocationId: string };
    };
  };
}

export interface DsseEnvelope {
  payloadType: string;
  /** Base64 (standard alphabet, padded) of the payload bytes. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** DSSE v1 pre-authentication encoding: the exact bytes the signature covers. */
export function preAuthenticationEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8(payloadType);
  const header = utf8(`DSSEv1 ${type.byteLength} ${payloadType} ${payload.byteLength} `);
  const bytes = new Uint8Array(header.byteLength + payload.byteLength);
  bytes.set(header, 0);
  bytes.set(payload, header.byteLength);
  return bytes;
}

export interface ProvenanceInput {
  releaseId: string;
  dataset: { id: string; version: string };
  period: { id: string; start: string; end: string };
  /** The privacy section of the descriptor (mechanism, rho, k, bounds, noise) and the configuration in force. */
  privacy: unknown;
  configuration: unknown;
  /** Every listed file and datapackage.json, with their SHA-256. */
  subjects: readonly Subject[];
  previous: { id: string; sha256: string } | null;
  auditLogHead: { hash: string } | null;
  baseUrl: string | undefined;
}

export function provenanceStatement(input: ProvenanceInput): InTotoStatement {
  const base = input.baseUrl?.replace(/\/+$/, '');
  const releaseUri = (id: string) => (base ? `${base}/v1/releases/${id}` : `urn:uuid:${id}`);
  const resolvedDependencies: ResourceDescriptor[] = [];
  if (input.previous) {
    resolvedDependencies.push({
      name: 'previous-release',
      uri: `${releaseUri(input.previous.id)}/datapackage.json`,
      digest: { sha256: input.previous.sha256 },
    });
  }
  if (input.auditLogHead) {
    resolvedDependencies.push({
      name: 'audit-log-head',
      digest: { sha256: input.auditLogHead.hash },
      annotations: { note: 'Hash of the operator\'s audit-log entry that was newest when this release was built.' },
    });
  }
  resolvedDependencies.push({ name: 'code', uri: SERVICE_PURL, annotations: { version: SERVICE_VERSION } });
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [...input.subjects].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    predicateType: SLSA_PROVENANCE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: RELEASE_BUILD_TYPE,
        externalParameters: {
          dataset: input.dataset,
          period: input.period,
          privacy: input.privacy,
          configuration: input.configuration,
        },
        resolvedDependencies,
      },
      runDetails: {
        builder: { id: SERVICE_PURL, version: { [SERVICE_NAME]: SERVICE_VERSION } },
        metadata: { invocationId: input.releaseId },
      },
    },
  };
}

/** The envelope around the statement (RFC 8785 bytes as payload), signed with the release key, as one JSON line. */
export async function signedProvenance(statement: InTotoStatement, key: ReleaseSigningKey): Promise<string> {
  const payload = utf8(canonicalJsonText(statement));
  const signature = await key.sign(preAuthenticationEncoding(IN_TOTO_PAYLOAD_TYPE, payload));
  const envelope: DsseEnvelope = {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid: key.kid, sig: Buffer.from(signature).toString('base64') }],
  };
  return `${JSON.stringify(envelope)}\n`;
}

/** Base64 that re-encodes to itself: lenient decoders skip stray characters, which would let altered text verify. */
function strictBase64(text: string): Uint8Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

export interface OpenedEnvelope {
  /** The key that verified a signature, if any. */
  verifiedBy: string | undefined;
  statement: InTotoStatement | undefined;
  problem: string | undefined;
}

/** Parses a provenance file (one envelope per line; the first that parses is used) and checks its signature with the published keys. */
export async function openProvenance(bytes: Uint8Array, keys: readonly Ed25519PublicJwk[]): Promise<OpenedEnvelope> {
  let envelope: DsseEnvelope;
  try {
    const line = new TextDecoder('utf-8', { fatal: true }).decode(bytes).split('\n').find((text) => text.trim() !== '');
    envelope = JSON.parse(line ?? '') as DsseEnvelope;
  } catch {
    return { verifiedBy: undefined, statement: undefined, problem: 'not a JSON line' };
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE || typeof envelope.payload !== 'string' || !Array.isArray(envelope.signatures)) {
    return { verifiedBy: undefined, statement: undefined, problem: `not a DSSE envelope with payloadType ${IN_TOTO_PAYLOAD_TYPE}` };
  }
  const payload = strictBase64(envelope.payload);
  if (!payload) return { verifiedBy: undefined, statement: undefined, problem: 'the payload is not canonical base64' };
  const signed = preAuthenticationEncoding(envelope.payloadType, payload);
  let verifiedBy: string | undefined;
  for (const signature of envelope.signatures) {
    // keyid is not covered by the signature, so it must name the very key that verifies it.
    const key = keys.find((candidate) => candidate.kid === signature?.keyid);
    const sig = typeof signature?.sig === 'string' ? strictBase64(signature.sig) : undefined;
    if (key && sig && (await verifyWithJwk(key, signed, sig).catch(() => false))) {
      verifiedBy = key.kid;
      break;
    }
  }
  let statement: InTotoStatement | undefined;
  try {
    statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as InTotoStatement;
  } catch {
    return { verifiedBy, statement: undefined, problem: 'the payload is not JSON' };
  }
  return { verifiedBy, statement, problem: undefined };
}

/** What a verifier checks in the statement against the signed descriptor it accompanies. */
export function statementMismatches(
  statement: InTotoStatement,
  expected: { subjects: ReadonlyMap<string, string>; datasetId: string | undefined; period: string | undefined; previous: { id: string; sha256: string } | null },
): string[] {
  const problems: string[] = [];
  if (statement._type !== IN_TOTO_STATEMENT_TYPE) problems.push(`_type is ${JSON.stringify(statement._type)}`);
  if (statement.predicateType !== SLSA_PROVENANCE_TYPE) problems.push(`predicateType is ${JSON.stringify(statement.predicateType)}`);
  const subjects = new Map((Array.isArray(statement.subject) ? statement.subject : []).map((subject) => [subject.name, subject.digest?.sha256]));
  for (const [name, sha256] of expected.subjects) {
    if (!subjects.has(name)) problems.push(`no subject ${name}`);
    else if (subjects.get(name) !== sha256) problems.push(`subject ${name} has sha256 ${subjects.get(name)}, the file has ${sha256}`);
  }
  for (const name of subjects.keys()) if (!expected.subjects.has(name)) problems.push(`subject ${name} is not in the package`);
  const parameters = statement.predicate?.buildDefinition?.externalParameters as { dataset?: { id?: string }; period?: { id?: string } } | undefined;
  if (parameters?.dataset?.id !== expected.datasetId) problems.push(`dataset ${parameters?.dataset?.id} is not the package's ${expected.datasetId}`);
  if (parameters?.period?.id !== expected.period) problems.push(`period ${parameters?.period?.id} is not the package's ${expected.period}`);
  const previous = (statement.predicate?.buildDefinition?.resolvedDependencies ?? []).find((dependency) => dependency.name === 'previous-release');
  if ((previous?.digest?.sha256 ?? null) !== (expected.previous?.sha256 ?? null)) {
    problems.push(`previous release ${previous?.digest?.sha256 ?? 'none'} is not the package's ${expected.previous?.sha256 ?? 'none'}`);
  }
  return problems;
}
