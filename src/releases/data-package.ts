/**
 * A release as a Frictionless Data Package (https://specs.frictionlessdata.io/data-package/):
 * datapackage.json describing three tidy files with the same rows, data.csv, data.json (the
 * post-processed values, one row per key and measure with its status) and data.parquet (typed
 * columns, for DuckDB / pandas / Arrow), and noisy-measurements.csv (the unprocessed noisy values
 * with their noise sd), each with its size and SHA-256, a Table Schema whose fields have titles, descriptions and units, a `privacy`
 * section stating the guarantee and every noise parameter, and a `chain` section naming the
 * previous release of the same dataset and the hash of its datapackage.json.
 *
 * The descriptor is serialised once, in RFC 8785 canonical form; those bytes are what is hashed,
 * signed, stored and served, so a researcher can verify the downloaded file as it is.
 */
import { stringify } from 'csv-stringify/sync';
import type { Period } from '../periods/period';
import { postProcessCell, postProcessShares, type ReleasedCell, type ShareMeasureIdentity } from '../privacy';
import type { CataloguedDataset, PeriodBudget } from './dataset-catalogue';
import { keySelectionStatement, MEASURE_UNITS, SHARE_ESTIMAND } from './dataset-catalogue';
import type { ReleaseConfiguration } from './release-configuration';
import { BYTE_UNITS, type Measure, SHARE_GRID_UNITS } from '../datasets/dataset-spec';
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
export const NOISY_MEASUREMENTS_PATH = 'noisy-measurements.csv';

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

export type TidyRow = Record<string, string | number | null>;

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
  organization_share: "Share of the average organization's transfers",
};

/** The dataset's organization_share measure as share post-processing needs it, or null. */
export function shareMeasureOf(dataset: CataloguedDataset): ShareMeasureIdentity | null {
  const measure = dataset.plan.measures.find((each) => each.kind === 'organization_share');
  if (!measure) return null;
  return {
    name: measure.name,
    gridUnits: measure.maxPerContributorPerCell,
    noiseStandardDeviation: measure.noiseStandardDeviation,
    mechanism: dataset.plan.accounting.mechanism,
  };
}

/** Noisy share-sums are published in organizations (grid units / G): exact 4-decimal numbers with G = 10,000. */
function inOrganizations(gridValue: number, gridUnits: number): number {
  return gridValue / gridUnits;
}

/** The cells ordered by the dimensions' declared value order, with their dimension values. */
function orderedCells(dataset: CataloguedDataset, cells: readonly ReleasedCell[]): { cell: ReleasedCell; values: string[] }[] {
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
  return decoded;
}

function keyColumns(dataset: CataloguedDataset, periodId: string, values: readonly string[]): TidyRow {
  const row: TidyRow = { period: periodId };
  dataset.spec.dimensions.forEach((dimension, index) => {
    row[dimension.name] = values[index]!;
  });
  return row;
}

/**
 * The tidy rows: one per key (cell) and measure, ordered by the dimensions' declared value order.
 * Public keys: every declared key, with its status; published keys carry the post-processed values
 * (post-processing.ts), suppressed keys empty values. Private keys: the selected cells, values as noised.
 */
export function tidyRows(dataset: CataloguedDataset, periodId: string, cells: readonly ReleasedCell[]): TidyRow[] {
  const { spec, plan } = dataset;
  const measures = plan.measures.map(({ name, kind }) => ({ name, kind }));
  const share = shareMeasureOf(dataset);
  const shares = share && dataset.shareGroups ? postProcessShares(cells, share, dataset.shareGroups) : null;
  const rows: TidyRow[] = [];
  for (const { cell, values } of orderedCells(dataset, cells)) {
    const processed = plan.keys === 'public' ? postProcessCell(cell, measures) : cell.values;
    for (const measure of spec.measures) {
      const noisy = cell.values[measure];
      if (!noisy) continue;
      if (share && measure === share.name) {
        // A share's status is its group's: published when the group's noisy organization count reaches k.
        const shown = shares?.get(cell.cell) ?? null;
        const status = cell.shareStatus ?? 'suppressed';
        rows.push({
          ...keyColumns(dataset, periodId, values),
          measure,
          status,
          suppression_reason: status === 'suppressed' ? 'fewer_than_k_organizations' : null,
          value: shown?.value ?? null,
          noise_sd: shown?.noiseStandardDeviation ?? null,
          ci95_low: shown?.ci95Low ?? null,
          ci95_high: shown?.ci95High ?? null,
        });
        continue;
      }
      const shown = processed?.[measure];
      rows.push({
        ...keyColumns(dataset, periodId, values),
        measure,
        status: cell.status,
        suppression_reason: cell.suppressionReason ?? null,
        value: shown?.value ?? null,
        noise_sd: noisy.noiseStandardDeviation,
        ci95_low: shown?.ci95Low ?? null,
        ci95_high: shown?.ci95High ?? null,
      });
    }
  }
  return rows;
}

/** The unprocessed noisy measurements: every key and measure, suppressed or not, as noised. */
export function noisyMeasurementRows(dataset: CataloguedDataset, periodId: string, cells: readonly ReleasedCell[]): TidyRow[] {
  const rows: TidyRow[] = [];
  const share = shareMeasureOf(dataset);
  for (const { cell, values } of orderedCells(dataset, cells)) {
    for (const measure of dataset.spec.measures) {
      const noisy = cell.values[measure];
      if (!noisy) continue;
      if (share && measure === share.name) {
        const units = share.gridUnits;
        rows.push({
          ...keyColumns(dataset, periodId, values),
          measure,
          status: cell.shareStatus ?? 'suppressed',
          noisy_value: inOrganizations(noisy.value, units),
          noise_sd: inOrganizations(noisy.noiseStandardDeviation, units),
          ci95_low: inOrganizations(noisy.ci95Low, units),
          ci95_high: inOrganizations(noisy.ci95High, units),
        });
        continue;
      }
      rows.push({
        ...keyColumns(dataset, periodId, values),
        measure,
        status: cell.status,
        noisy_value: noisy.value,
        noise_sd: noisy.noiseStandardDeviation,
        ci95_low: noisy.ci95Low,
        ci95_high: noisy.ci95High,
      });
    }
  }
  return rows;
}

function keyFields(dataset: CataloguedDataset, periodId: string) {
  const { spec, domains } = dataset;
  return [
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
      description: spec.measures.map((measure) => `${measure}: ${MEASURE_TITLES[measure]}, in ${MEASURE_UNITS[measure](spec)}`).join('; '),
      constraints: { required: true, enum: [...spec.measures] },
    },
    {
      name: 'status',
      type: 'string',
      title: 'Status',
      description:
        dataset.plan.keys === 'public'
          ? `published, or suppressed when the key's noisy organization count is below k = ${dataset.k} (decided on the noisy count, never the true one).`
          : 'Always published: cells that were not selected are absent.',
      constraints: { required: true, enum: ['published', 'suppressed'] },
    },
  ];
}

function noisyMeasurementsSchema(dataset: CataloguedDataset, periodId: string) {
  const { spec } = dataset;
  const units = Object.fromEntries(
    spec.measures.map((measure) => [measure, measure === 'organization_share' ? SHARE_SUM_UNIT : MEASURE_UNITS[measure](spec)]),
  );
  const hasShares = shareMeasureOf(dataset) !== null;
  const numberType = hasShares ? 'number' : 'integer';
  return {
    fields: [
      ...keyFields(dataset, periodId),
      {
        name: 'noisy_value',
        type: numberType,
        title: 'Noisy measurement',
        description:
          'The bounded value of the measure plus exact integer noise, before any post-processing: unbiased, possibly negative, present for suppressed keys too. Sum or average these, not the processed values.' +
          (hasShares
            ? ' organization_share rows hold the noisy share-sum: the sum over the group\'s organizations of each one\'s share of its transfers in this key, in organizations (exact integer noise on a grid of 1/10,000 of an organization); summed over a group\'s keys it is the group\'s noisy organization count, and a key\'s share-sum divided by that sum is the published share before rounding.'
            : ''),
        units,
      },
      { name: 'noise_sd', type: 'number', title: 'Noise standard deviation', description: 'Standard deviation of the noise in noisy_value.', units },
      {
        name: 'ci95_low',
        type: numberType,
        title: '95% interval, low end',
        description: 'noisy_value minus the 95% half-width: covers the bounded value with probability at least 95%.',
        units,
      },
      { name: 'ci95_high', type: numberType, title: '95% interval, high end', description: 'noisy_value plus the 95% half-width.', units },
    ],
    primaryKey: ['period', ...spec.dimensions.map((dimension) => dimension.name), 'measure'],
  };
}

/** The unit of a noisy share-sum (noisy-measurements.csv). */
const SHARE_SUM_UNIT = "organizations (each organization's share of its transfers, summed)";

function tableSchema(dataset: CataloguedDataset, periodId: string) {
  const { spec } = dataset;
  const units = Object.fromEntries(spec.measures.map((measure) => [measure, MEASURE_UNITS[measure](spec)]));
  const publicKeys = dataset.plan.keys === 'public';
  const hasShares = shareMeasureOf(dataset) !== null;
  const numberType = hasShares ? 'number' : 'integer';
  const shareValue = hasShares
    ? ` organization_share rows: a proportion from 0 to 1 with 4 decimals; the shares of a group's keys add up to exactly 1. ${SHARE_ESTIMAND} A group's shares are suppressed when its noisy organization count (the sum of its noisy share-sums) is below k.`
    : '';
  const shareInterval = hasShares
    ? ' organization_share rows: the Fieller interval for the ratio of the key\'s noisy share-sum to the group\'s noisy organization count (it accounts for the noise in both), rounded outward to 4 decimals and within [0, 1]; it covers the average share of the group\'s organizations (each one\'s distribution in at most the bounded number of groups) with probability about 95%.'
    : '';
  return {
    missingValues: [''],
    fields: [
      ...keyFields(dataset, periodId),
      {
        name: 'suppression_reason',
        type: 'string',
        title: 'Why the key is suppressed',
        description: 'fewer_than_k_organizations when status is suppressed (its values are then empty); empty when published.',
        constraints: { enum: ['fewer_than_k_organizations'] },
      },
      {
        name: 'value',
        type: numberType,
        title: publicKeys ? 'Published value' : 'Noisy value',
        description:
          (publicKeys
            ? 'The bounded value of the measure plus exact integer noise, post-processed (no privacy cost) to a whole number >= 0 with transfers >= organizations. Empty for suppressed keys. Near zero these values are biased upward; noisy-measurements.csv has the unbiased noisy values.'
            : 'The bounded value of the measure in this cell plus exact integer noise. Values are not rounded or clipped after noise, so small values may be negative.') + shareValue,
        units,
      },
      {
        name: 'noise_sd',
        type: 'number',
        title: 'Noise standard deviation',
        description:
          'Standard deviation of the noise added to value, in the unit of the measure.' +
          (hasShares ? ' organization_share rows: the approximate sd of the published share (delta method at the published value), as a proportion; empty when the group is suppressed.' : ''),
        units,
      },
      {
        name: 'ci95_low',
        type: numberType,
        title: '95% interval, low end',
        description:
          (publicKeys
            ? 'With probability at least 95% the bounded (capped and clamped) value lies in [ci95_low, ci95_high]: the noisy value +- the 95% half-width, with the low end raised to 0 and the high end to at least the published value (both keep the coverage, since the bounded value is >= 0). It is not an interval for the unbounded true value.'
            : 'With probability at least 95% the bounded (capped and clamped) value lies in [ci95_low, ci95_high]. It is not an interval for the unbounded true value.') + shareInterval,
        units,
      },
      {
        name: 'ci95_high',
        type: numberType,
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
      unit: measure.kind === 'organization_share' ? `grid units of 1/${measure.maxPerContributorPerCell} organization (share-sums)` : MEASURE_UNITS[measure.name as Measure](spec),
      maxPerOrganizationPerCell: measure.maxPerContributorPerCell,
      ...(measure.maxGroupsPerContributor === undefined ? {} : { maxGroupsPerOrganization: measure.maxGroupsPerContributor }),
      l2Sensitivity: measure.l2Sensitivity,
      noise: measure.noise,
      noiseSd: measure.noiseStandardDeviation,
      ci95HalfWidth: measure.ci95HalfWidth,
      rho: measure.rhoCharged,
    })),
    ...(spec.shares
      ? {
          shares: {
            over: spec.shares.over,
            maxGroupsPerOrganization: spec.shares.maxGroupsPerOrganization,
            gridUnits: SHARE_GRID_UNITS,
            estimand: SHARE_ESTIMAND,
            sensitivity:
              `Per group an organization adds its distribution on a grid of ${SHARE_GRID_UNITS} units summing to exactly ${SHARE_GRID_UNITS} (largest remainders), so its L2 norm there is at most ${SHARE_GRID_UNITS}; ` +
              `it contributes to at most ${spec.shares.maxGroupsPerOrganization} group(s), chosen uniformly at random, so the share-sums have L2 sensitivity sqrt(${spec.shares.maxGroupsPerOrganization}) x ${SHARE_GRID_UNITS} grid units whatever its volume.`,
            suppression: `A group's shares are published when its noisy organization count (the sum of its keys' noisy share-sums, in organizations) reaches k = ${k}; otherwise suppressed (fewer_than_k_organizations). Post-processing of noisy values only.`,
            interval:
              accounting.mechanism === 'gaussian'
                ? 'Fieller interval: the shares p with (X_c - p S)^2 <= 1.96^2 s^2 (1 - 2p + C p^2), X_c the key\'s noisy share-sum, S the group\'s sum, s the noise sd, C the keys of the group; intersected with [0, 1] and rounded outward.'
                : 'Fieller interval with Chebyshev\'s multiplier sqrt(20) (Laplace noise): the shares p with (X_c - p S)^2 <= 20 s^2 (1 - 2p + C p^2); intersected with [0, 1] and rounded outward.',
          },
        }
      : {}),
    keys: plan.keys,
    ...(selection
      ? {
          selection: {
            rule: 'A cell is published only if at least k organizations contributed to it and (organizations + noise) >= threshold; the set of published cells is itself differentially private.',
            threshold: selection.threshold,
            noise: selection.noise,
            noiseSd: selection.noiseStandardDeviation,
            delta: selection.delta,
            rho: selection.rhoCharged,
          },
        }
      : {
          publicKeys: {
            count: dataset.publicKeys?.length ?? 0,
            rule: keySelectionStatement(dataset),
            suppression: plan.suppression,
            postProcessing:
              'data.csv and data.json hold post-processed values: whole numbers >= 0, transfers >= organizations, suppressed keys empty' +
              (spec.shares ? '; organization_share as proportions (negative noisy share-sums taken as 0, a group\'s shares adding up to exactly 1)' : '') +
              '. Post-processing reads only noisy values, so it costs no privacy. noisy-measurements.csv holds the unprocessed noisy values of every key with their noise sd.',
          },
        }),
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
  const noisySchema = noisyMeasurementsSchema(dataset, period.id);
  const noisy = await packageFile(
    NOISY_MEASUREMENTS_PATH,
    'text/csv',
    csvOf(noisyMeasurementRows(dataset, period.id, input.cells), noisySchema.fields.map((field) => field.name)),
  );
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
        files: [csv, json, parquet, noisy],
      }),
      null,
      1,
    )}\n`,
  );
  const license = KNOWN_LICENSES[input.license];
  const resource = (file: PackageFile, name: string, format: string, resourceSchema: object = schema) => ({
    name,
    path: file.path,
    profile: 'tabular-data-resource',
    format,
    mediatype: file.mediaType,
    ...(typeof file.content === 'string' ? { encoding: 'utf-8' } : {}),
    bytes: file.bytes,
    hash: `sha256:${file.sha256}`,
    schema: resourceSchema,
  });
  const descriptor: DataPackageDescriptor = {
    profile: 'tabular-data-package',
    id: releaseId,
    name: `${spec.id}-${period.id.toLowerCase()}`,
    title: `${spec.title} (${period.id})`,
    description: `${spec.description} ${input.configuration.yearlyBudget.summary}`,
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
      publishedCells: input.cells.filter((cell) => cell.status === 'published').length,
    },
    resources: [
      resource(csv, 'data-csv', 'csv'),
      resource(json, 'data-json', 'json'),
      resource(parquet, 'data-parquet', 'parquet'),
      resource(noisy, 'noisy-measurements', 'csv', noisySchema),
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
  return { descriptor, canonical, sha256: await sha256Hex(canonical), files: [csv, json, parquet, noisy, spdx] };
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
