/**
 * A release as a Frictionless Data Package (https://specs.frictionlessdata.io/data-package/):
 * datapackage.json describing three tidy files with the same rows, data.csv, data.json and
 * data.parquet (typed columns, for DuckDB / pandas / Arrow), each with its size and SHA-256, a Table Schema whose fields have titles, descriptions and units, a `privacy`
 * section stating the guarantee and every noise parameter, and a `chain` section naming the
 * previous release of the same dataset and the hash of its datapackage.json.
 *
 * The descriptor is serialised once, in RFC 8785 canonical form; those bytes are what is hashed,
 * signed, stored and served, so a researcher can verify the downloaded file as it is.
 */
import { stringify } from 'csv-stringify/sync';
import type { Period } from '../periods/period';
import type { ReleasedCell } from '../privacy';
import type { CataloguedDataset, PeriodBudget } from './dataset-catalogue';
import { MEASURE_UNITS } from './dataset-catalogue';
import type { ReleaseConfiguration } from './release-configuration';
import { BYTE_UNITS, type Measure } from '../datasets/dataset-spec';
import { parquetOf } from './parquet-file';
import { PROVENANCE_PATH, type ProvenanceInput } from './provenance';
import { SPDX_MEDIA_TYPE, SPDX_PATH, spdxDocument } from './spdx-document';
import { canonicalJsonText, sha256Hex, utf8 } from './release-signing';
import { SERVICE_NAME, SERVICE_VERSION } from './service-identity';
import { PARQUET_MEDIA_TYPE } from './stored-file-content';

export const DATAPACKAGE_PATH = 'datapackage.json';
export const CSV_PATH = 'data.csv';
export const JSON_PATH = 'data.json';
export const PARQUET_PATH = 'data.parquet';

export interface ChainLink {
  id: string;
  sha256: string;
}

export interface PackageInput {
  dataset: CataloguedDataset;
  periodBudget: PeriodBudget;
  period: Period;
  releaseId: string;
  /** The scheduled, public time (the period's releasable-at instant), never when the package was written. */
  createdAt: string;
  license: string;
  /** Public base URL of the service, when configured (absolute links in the descriptor). */
  baseUrl: string | undefined;
  /** 1 for the first release of the dataset. */
  position: number;
  previous: ChainLink | null;
  /**
   * The audit log's newest entry when the package was built, anchored by its hash alone: the entry's
   * sequence number would tell researchers how many consent changes, registrations and erasures
   * happened between two releases.
   */
  auditLogHead: { hash: string } | null;
  /** The configuration in force, stated in the package (see release-configuration.ts). */
  configuration: ReleaseConfiguration;
  cells: readonly ReleasedCell[];
}

export interface PackageFile {
  path: string;
  mediaType: string;
  /** Text for text files, bytes for binary ones (data.parquet). */
  content: string | Uint8Array;
  bytes: number;
  sha256: string;
}

export interface BuiltPackage {
  descriptor: DataPackageDescriptor;
  /** RFC 8785 text of the descriptor: the bytes served as datapackage.json, hashed and signed. */
  canonical: string;
  sha256: string;
  files: PackageFile[];
}

export type TidyRow = Record<string, string | number>;

// biome-ignore lint: the descriptor is open-ended JSON by design (Frictionless allows custom properties)
export type DataPackageDescriptor = Record<string, any>;

const KNOWN_LICENSES: Record<string, { title: string; path: string }> = {
  'CC-BY-4.0': { title: 'Creative Commons Attribution 4.0', path: 'https://creativecommons.org/licenses/by/4.0/' },
  'CC-BY-SA-4.0': { title: 'Creative Commons Attribution Share-Alike 4.0', path: 'https://creativecommons.org/licenses/by-sa/4.0/' },
  'CC0-1.0': { title: 'CC0 1.0 Universal', path: 'https://creativecommons.org/publicdomain/zero/1.0/' },
  'ODbL-1.0': { title: 'Open Data Commons Open Database License 1.0', path: 'https://opendatacommons.org/licenses/odbl/1-0/' },
  'PDDL-1.0': { title: 'Open Data Commons Public Domain Dedication and License 1.0', path: 'https://opendatacommons.org/licenses/pddl/1-0/' },
};

const MEASURE_TITLES: Record<Measure, string> = {
  transfer_count: 'Transfers',
  distinct_organizations: 'Contributing organizations',
  clamped_byte_sum: 'Bytes transferred (clamped)',
};

/** The tidy rows: one per published cell and measure, ordered by the dimensions' declared value order. */
export function tidyRows(dataset: CataloguedDataset, periodId: string, cells: readonly ReleasedCell[]): TidyRow[] {
  const { spec, domains } = dataset;
  const separator = '\u001f';
  const decoded = cells.map((cell) => ({ cell, values: cell.cell.split(separator) }));
  const rank = spec.dimensions.map((dimension) => new Map(domains[dimension.name]!.map((value, index) => [value, index])));
  decoded.sort((a, b) => {
    for (let index = 0; index < rank.length; index += 1) {
      const difference = (rank[index]!.get(a.values[index]!) ?? 0) - (rank[index]!.get(b.values[index]!) ?? 0);
      if (difference !== 0) return difference;
    }
    return 0;
  });
  const rows: TidyRow[] = [];
  for (const { cell, values } of decoded) {
    for (const measure of spec.measures) {
      const noisy = cell.values[measure];
      if (!noisy) continue;
      const row: TidyRow = { period: periodId };
      spec.dimensions.forEach((dimension, index) => {
        row[dimension.name] = values[index]!;
      });
      row.measure = measure;
      row.value = noisy.value;
      row.noise_sd = noisy.noiseStandardDeviation;
      row.ci95_low = noisy.ci95Low;
      row.ci95_high = noisy.ci95High;
      rows.push(row);
    }
  }
  return rows;
}

function tableSchema(dataset: CataloguedDataset, periodId: string) {
  const { spec, domains } = dataset;
  const units = Object.fromEntries(spec.measures.map((measure) => [measure, MEASURE_UNITS[measure](spec)]));
  return {
    fields: [
      {
        name: 'period',
        type: 'string',
        title: 'Period',
        description: `The collection period (UTC), here ${periodId}. Each period is released once.`,
        constraints: { required: true },
      },
      ...spec.dimensions.map((dimension) => ({
        name: dimension.name,
        type: 'string',
        title: dimension.title,
        description: dimension.description,
        constraints: { required: true, enum: domains[dimension.name] },
      })),
      {
        name: 'measure',
        type: 'string',
        title: 'Measure',
        description: spec.measures.map((measure) => `${measure}: ${MEASURE_TITLES[measure]}, in ${units[measure]}`).join('; '),
        constraints: { required: true, enum: [...spec.measures] },
      },
      {
        name: 'value',
        type: 'integer',
        title: 'Noisy value',
        description:
          'The bounded value of the measure in this cell plus exact integer noise. Values are not rounded or clipped after noise, so small values may be negative.',
        units,
      },
      {
        name: 'noise_sd',
        type: 'number',
        title: 'Noise standard deviation',
        description: 'Standard deviation of the noise added to value, in the unit of the measure.',
        units,
      },
      {
        name: 'ci95_low',
        type: 'integer',
        title: '95% interval, low end',
        description: 'With probability at least 95% the bounded (capped and clamped) value lies in [ci95_low, ci95_high]. It is not an interval for the unbounded true value.',
        units,
      },
      {
        name: 'ci95_high',
        type: 'integer',
        title: '95% interval, high end',
        description: 'See ci95_low.',
        units,
      },
    ],
    primaryKey: ['period', ...spec.dimensions.map((dimension) => dimension.name), 'measure'],
  };
}

function privacySection(dataset: CataloguedDataset, periodBudget: PeriodBudget) {
  const { spec, plan, k } = dataset;
  const { accounting, selection } = plan;
  return {
    definition:
      'Zero-concentrated differential privacy (zCDP) with the contributing organization as the privacy unit: the distribution of everything in this package changes by a bounded amount when all of one organization\'s telemetry for the period is added or removed.',
    unit: 'organization',
    mechanism: accounting.mechanism === 'gaussian' ? 'discrete_gaussian' : 'discrete_laplace',
    sampling: 'Exact integer noise (Canonne, Kamath, Steinke 2020) from a cryptographic random source; no floating-point noise.',
    rho: accounting.rhoCharged,
    epsilon: accounting.epsilon,
    delta: accounting.delta,
    conversionDelta: accounting.conversionDelta,
    summary: accounting.summary,
    periodBudget: { rho: periodBudget.rho, budgetShare: spec.budgetShare, rhoAllotted: dataset.rho },
    k,
    bounds: {
      maxCellsPerOrganization: spec.bounds.maxCellsPerOrganization,
      maxTransfersPerCell: spec.bounds.maxTransfersPerCell,
      maxBytesPerCell: spec.bounds.maxBytesPerCell,
      byteUnit: spec.byteUnit,
      byteUnitBytes: BYTE_UNITS[spec.byteUnit],
      rationale: spec.bounds.rationale,
    },
    measures: plan.measures.map((measure) => ({
      name: measure.name,
      unit: MEASURE_UNITS[measure.name as Measure](spec),
      maxPerOrganizationPerCell: measure.maxPerContributorPerCell,
      l2Sensitivity: measure.l2Sensitivity,
      noise: measure.noise,
      noiseSd: measure.noiseStandardDeviation,
      ci95HalfWidth: measure.ci95HalfWidth,
      rho: measure.rhoCharged,
    })),
    selection: {
      rule: 'A cell is published only if at least k organizations contributed to it and (organizations + noise) >= threshold; the set of published cells is itself differentially private.',
      threshold: selection.threshold,
      noise: selection.noise,
      noiseSd: selection.noiseStandardDeviation,
      delta: selection.delta,
      rho: selection.rhoCharged,
    },
    intervals:
      'ci95_low..ci95_high covers the bounded value (each organization capped at the bounds above) with probability at least 95%; it does not cover the bias the bounds introduce.',
  };
}

function csvOf(rows: readonly TidyRow[], columns: readonly string[]): string {
  return stringify(rows as TidyRow[], { header: true, columns: columns as string[], record_delimiter: 'unix' });
}

export async function packageFile(path: string, mediaType: string, content: string | Uint8Array): Promise<PackageFile> {
  const bytes = typeof content === 'string' ? utf8(content) : content;
  return { path, mediaType, content, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
}

/** Builds the files and the canonical descriptor of one dataset release. Pure apart from hashing. */
export async function buildDataPackage(input: PackageInput): Promise<BuiltPackage> {
  const { dataset, period, releaseId } = input;
  const { spec } = dataset;
  const schema = tableSchema(dataset, period.id);
  const rows = tidyRows(dataset, period.id, input.cells);
  const columns = schema.fields.map((field) => field.name);
  const csv = await packageFile(CSV_PATH, 'text/csv', csvOf(rows, columns));
  const json = await packageFile(JSON_PATH, 'application/json', `${JSON.stringify(rows, null, 1)}\n`);
  const parquet = await packageFile(PARQUET_PATH, PARQUET_MEDIA_TYPE, parquetOf(schema.fields, rows, `${SERVICE_NAME} version ${SERVICE_VERSION}`));
  const base = input.baseUrl?.replace(/\/+$/, '');
  const privacy = privacySection(dataset, input.periodBudget);
  const spdx = await packageFile(
    SPDX_PATH,
    SPDX_MEDIA_TYPE,
    `${JSON.stringify(
      spdxDocument({
        releaseId,
        spec,
        catalogue: spec.catalogue,
        period,
        createdAt: input.createdAt,
        license: input.license,
        baseUrl: input.baseUrl,
        rows: rows.length,
        privacy,
        periodDescription: `${period.id}, ${period.start.toISOString()} to ${period.end.toISOString()} (UTC)`,
        files: [csv, json, parquet],
      }),
      null,
      1,
    )}\n`,
  );
  const license = KNOWN_LICENSES[input.license];
  const resource = (file: PackageFile, name: string, format: string) => ({
    name,
    path: file.path,
    profile: 'tabular-data-resource',
    format,
    mediatype: file.mediaType,
    ...(typeof file.content === 'string' ? { encoding: 'utf-8' } : {}),
    bytes: file.bytes,
    hash: `sha256:${file.sha256}`,
    schema,
  });
  const descriptor: DataPackageDescriptor = {
    profile: 'tabular-data-package',
    id: releaseId,
    name: `${spec.id}-${period.id.toLowerCase()}`,
    title: `${spec.title} (${period.id})`,
    description: spec.description,
    version: spec.version,
    created: input.createdAt,
    keywords: spec.keywords,
    licenses: [{ name: input.license, ...(license ?? {}) }],
    sources: [
      {
        title: 'Consented transfer telemetry from secure file-transfer product instances, generalized and aggregated per organization',
        ...(base ? { path: `${base}/v1/datasets/${spec.id}` } : {}),
      },
    ],
    ...(base ? { homepage: `${base}/v1/releases/${releaseId}` } : {}),
    dataset: {
      id: spec.id,
      version: spec.version,
      period: { id: period.id, start: period.start.toISOString(), end: period.end.toISOString() },
      rows: rows.length,
      cells: input.cells.length,
    },
    resources: [
      resource(csv, 'data-csv', 'csv'),
      resource(json, 'data-json', 'json'),
      resource(parquet, 'data-parquet', 'parquet'),
      {
        name: 'spdx',
        path: spdx.path,
        profile: 'data-resource',
        format: 'json',
        mediatype: spdx.mediaType,
        encoding: 'utf-8',
        bytes: spdx.bytes,
        hash: `sha256:${spdx.sha256}`,
        description: 'This release described as an SPDX 3.0.1 dataset_DatasetPackage (JSON-LD): anonymization method, noise, confidentiality, intended use, known biases, update mechanism.',
      },
    ],
    ...(spec.catalogue ? { catalogue: spec.catalogue } : {}),
    attestations: {
      provenance: {
        path: PROVENANCE_PATH,
        format: 'DSSE envelope (JSON line) around an in-toto Statement v1 with a SLSA provenance v1 predicate, signed with the release key',
        note: 'Its subjects are every resource above and this datapackage.json, so it is not listed among the resources.',
      },
    },
    privacy,
    configuration: input.configuration,
    chain: {
      position: input.position,
      previous: input.previous,
      auditLogHead: input.auditLogHead,
      note:
        'previous.sha256 is the SHA-256 of the previous release\'s datapackage.json (its RFC 8785 canonical bytes). ' +
        'auditLogHead is the hash of the operator\'s audit-log entry that was newest when this release was built: ' +
        'a later audit log in which no entry before this release\'s own has that hash was cut or rewritten.',
    },
  };
  const canonical = canonicalJsonText(descriptor);
  return { descriptor, canonical, sha256: await sha256Hex(canonical), files: [csv, json, parquet, spdx] };
}

/** What the provenance attestation states, all of it taken from the built package. */
export function provenanceInput(built: BuiltPackage, baseUrl: string | undefined): ProvenanceInput {
  const { descriptor } = built;
  return {
    releaseId: descriptor.id,
    dataset: { id: descriptor.dataset.id, version: descriptor.dataset.version },
    period: descriptor.dataset.period,
    privacy: descriptor.privacy,
    configuration: descriptor.configuration,
    subjects: [
      ...built.files.map((file) => ({ name: file.path, digest: { sha256: file.sha256 } })),
      { name: DATAPACKAGE_PATH, digest: { sha256: built.sha256 } },
    ],
    previous: descriptor.chain.previous,
    auditLogHead: descriptor.chain.auditLogHead,
    baseUrl,
  };
}
