/**
 * The second step of a release (plan -> unit -> write, see release-period.ts): from the plan, the
 * noisy results and what the database looked like just before writing (the write basis), build the
 * signed packages and the statements of the one atomic unit. Pure apart from hashing and signing,
 * which are deterministic: the same inputs give the same bytes.
 *
 * Guards: statements at the head of the unit that fail it (a NOT NULL violation on every dialect)
 * when something the unit was built on has changed since it was read. The write loop then asks what
 * changed (`whatChanged` in release-period.ts) and rebuilds, re-checks or gives up. A new guard
 * goes in `releaseGuards`, with its reading in the write basis (or, for something that must be read
 * before the counters, taken in `computeReleases` and carried with the computed results) and its
 * diagnosis in `whatChanged`.
 */
import { Buffer } from 'node:buffer';
import type { CompiledQuery, Kysely } from 'kysely';
import type { AuditEvent } from '../audit/audit-log';
import type { DB } from '../db/schema';
import type { CellRelease } from '../privacy';
import { type BuiltPackage, buildDataPackage, type PackageFile, packageFile, provenanceInput } from './data-package';
import { PROVENANCE_MEDIA_TYPE, PROVENANCE_PATH, provenanceStatement, signedProvenance } from './provenance';
import type { PeriodReleasePlan, PlannedDataset, ReleaseActor } from './period-release-plan';
import {
  type ChainHead,
  chainUnchangedGuardQuery,
  completePeriodQuery,
  countBudgetCharges,
  findAuditHeadHash,
  findChainHead,
  insertBudgetChargeQuery,
  insertReleaseFileQuery,
  insertReleaseQuery,
  insertSigningKeyQuery,
  ledgerUnchangedGuardQuery,
} from './release-repository';
import { storedContent } from './stored-file-content';

/** One dataset's noisy result: the only place where the period's data met randomness. */
export interface ComputedRelease extends PlannedDataset {
  release: CellRelease;
}

/** A computed release with the chain head its package links to. */
export interface LinkedRelease extends ComputedRelease {
  head: ChainHead;
}

/** What the unit is built on, read just before each write attempt; the guards check it did not change. */
export interface WriteBasis {
  /** Each dataset's release with its chain head, in the plan's dataset order. */
  chains: LinkedRelease[];
  /** The newest audit entry's hash, anchored in every package. */
  auditHeadHash: string | null;
  /** Ledger rows when the yearly budget was last checked against them. */
  budgetCharges: number;
}

export async function readWriteBasis(db: Kysely<DB>, computed: readonly ComputedRelease[]): Promise<WriteBasis> {
  const [chains, auditHeadHash, budgetCharges] = await Promise.all([
    Promise.all(computed.map(async (entry) => ({ ...entry, head: await findChainHead(db, entry.dataset.spec.id) }))),
    findAuditHeadHash(db),
    countBudgetCharges(db),
  ]);
  return { chains, auditHeadHash, budgetCharges };
}

export interface SignedRelease extends LinkedRelease {
  built: BuiltPackage;
  /** Ed25519 over the canonical datapackage.json, base64. */
  signature: string;
  /** provenance.intoto.jsonl: the DSSE-signed in-toto statement over the package's files. */
  provenance: PackageFile;
}

/** Each dataset's package on its chain head, signed. Deterministic for given inputs. */
export async function buildSignedPackages(plan: PeriodReleasePlan, basis: WriteBasis): Promise<SignedRelease[]> {
  return Promise.all(
    basis.chains.map(async (entry) => {
      const built = await buildDataPackage({
        dataset: entry.dataset,
        periodBudget: plan.catalogue.periodBudget,
        period: plan.period,
        releaseId: entry.releaseId,
        createdAt: plan.created,
        license: plan.configuration.license,
        baseUrl: plan.baseUrl,
        position: entry.head.length + 1,
        previous: entry.head.head,
        auditLogHead: basis.auditHeadHash === null ? null : { hash: basis.auditHeadHash },
        configuration: plan.configuration,
        cells: entry.release.cells,
      });
      const signature = Buffer.from(await plan.signingKey.sign(new TextEncoder().encode(built.canonical))).toString('base64');
      const envelope = await signedProvenance(provenanceStatement(provenanceInput(built, plan.baseUrl)), plan.signingKey);
      const provenance = await packageFile(PROVENANCE_PATH, PROVENANCE_MEDIA_TYPE, envelope);
      return { ...entry, built, signature, provenance };
    }),
  );
}

export interface PublishedRelease {
  id: string;
  datasetId: string;
  packageSha256: string;
  position: number;
  previousReleaseId: string | null;
  cells: number;
  rows: number;
  rho: number;
}

export interface ReleaseUnit {
  published: PublishedRelease[];
  auditEvent: AuditEvent;
  /** Guards first, then the writes; compiled once, run again unchanged if the audit append must retry. */
  queries: CompiledQuery[];
}

/** The guards of a release unit (see the module comment). */
export function releaseGuards(db: Kysely<DB>, basis: WriteBasis): CompiledQuery[] {
  return [
    // Another release of a dataset was appended since the packages were linked: re-link them.
    ...basis.chains.map(({ dataset, head }) => chainUnchangedGuardQuery(db, dataset.spec.id, head.length)),
    // Another period was charged since the yearly budget was checked: check it again.
    ledgerUnchangedGuardQuery(db, basis.budgetCharges),
  ];
}

/**
 * The atomic unit of a release: guards, the signing key (first use), per dataset the release, its
 * files and its budget charge, the lock's completion, and the `release.published` audit event.
 * `writtenAt` is the real time of this attempt; it goes only where the operator reads it (ledger,
 * lock, audit), never into what is published.
 */
export function buildReleaseUnit(
  db: Kysely<DB>,
  input: { plan: PeriodReleasePlan; basis: WriteBasis; packages: readonly SignedRelease[]; actor: ReleaseActor; resumed: boolean; writtenAt: string },
): ReleaseUnit {
  const { plan, basis, packages, writtenAt } = input;
  const published = packages.map(
    ({ dataset, release, head, built, releaseId }): PublishedRelease => ({
      id: releaseId,
      datasetId: dataset.spec.id,
      packageSha256: built.sha256,
      position: head.length + 1,
      previousReleaseId: head.head?.id ?? null,
      // Published keys (public keys: the others are rows marked suppressed; private keys: every selected cell).
      cells: release.cells.filter((cell) => cell.status === 'published').length,
      rows: built.descriptor.dataset.rows as number,
      rho: release.accounting.rhoCharged,
    }),
  );

  const writes = packages.flatMap(({ dataset, release, head, built, signature, provenance, releaseId, chargeId }) => [
    insertReleaseQuery(db, {
      id: releaseId,
      dataset_id: dataset.spec.id,
      period: plan.period.id,
      created_at: plan.created,
      package_sha256: built.sha256,
      previous_release_id: head.head?.id ?? null,
      previous_package_sha256: head.head?.sha256 ?? null,
      signing_key_id: plan.signingKey.kid,
      signature,
      datapackage: built.canonical,
    }),
    ...[...built.files, provenance].map((file) =>
      insertReleaseFileQuery(db, {
        release_id: releaseId,
        path: file.path,
        media_type: file.mediaType,
        bytes: file.bytes,
        sha256: file.sha256,
        content: storedContent(file.mediaType, file.content),
      }),
    ),
    insertBudgetChargeQuery(db, {
      id: chargeId,
      period: plan.period.id,
      datasetId: dataset.spec.id,
      releaseId,
      rho: release.accounting.rhoCharged,
      epsilon: release.accounting.epsilon,
      delta: release.accounting.delta,
      chargedAt: writtenAt,
    }),
  ]);

  return {
    published,
    auditEvent: {
      ...input.actor,
      action: 'release.published',
      subject: `period:${plan.period.id}`,
      details: {
        period: plan.period.id,
        resumed: input.resumed,
        signingKeyId: plan.signingKey.kid,
        rhoCharged: published.reduce((sum, release) => sum + release.rho, 0),
        releases: published.map(({ id, datasetId, packageSha256, previousReleaseId, rho }) => ({ id, datasetId, packageSha256, previousReleaseId, rho })),
      },
    },
    queries: [
      ...releaseGuards(db, basis),
      insertSigningKeyQuery(db, { kid: plan.signingKey.kid, publicJwk: JSON.stringify(plan.signingKey.publicJwk), createdAt: writtenAt }),
      ...writes,
      completePeriodQuery(db, plan.period.id, writtenAt),
    ],
  };
}
