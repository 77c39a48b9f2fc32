/**
 * spdx.json: the release described as an SPDX 3.0.1 `dataset_DatasetPackage` in JSON-LD, the form
 * AI-BOM tooling reads. It states how the data were anonymized (differential privacy, its mechanism
 * and the k floor), the noise in words with its parameters, that the data are public (TLP CLEAR),
 * what they are for, the spec's known biases and how the dataset is updated; each data file is a
 * `software_File` with its SHA-256, distributed by the package.
 *
 * Everything in it comes from the spec, the configuration and the descriptor's privacy section, all
 * of which the signed datapackage.json already states; it adds no figure of its own.
 */
import type { Period } from '../periods/period';
import type { DatasetSpec } from '../datasets/dataset-spec';
import { SERVICE_NAME, SERVICE_PURL, SERVICE_VERSION } from './service-identity';

export const SPDX_PATH = 'spdx.json';
export const SPDX_MEDIA_TYPE = 'application/spdx+json';
export const SPDX_CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';

export interface SpdxFile {
  path: string;
  mediaType: string;
  sha256: string;
}

export interface SpdxInput {
  releaseId: string;
  spec: {
    id: string;
    version: string;
    title: string;
    description: string;
    methodology: { counted: string; unit: string; knownBiases: readonly string[] };
  };
  catalogue: DatasetSpec['catalogue'];
  period: Period;
  /** The scheduled, public release time (ISO 8601). */
  createdAt: string;
  license: string;
  baseUrl: string | undefined;
  rows: number;
  privacy: {
    mechanism: string;
    rho: number;
    epsilon: number;
    delta: number;
    k: number;
    summary: string;
    measures: readonly { name: string; unit: string; noise: unknown; noiseSd: number; ci95HalfWidth: number }[];
    /** Data-dependent cell selection; absent when the dataset publishes declared public keys. */
    selection?: { threshold: number; noiseSd: number };
    publicKeys?: { rule: string };
  };
  periodDescription: string;
  files: readonly SpdxFile[];
}

/** SPDX DateTime: UTC to the second, no fraction. */
function spdxDateTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}

function noiseInWords(privacy: SpdxInput['privacy']): string {
  const mechanism = privacy.mechanism === 'discrete_gaussian' ? 'discrete Gaussian' : 'discrete Laplace';
  const perMeasure = privacy.measures
    .map((measure) => `${measure.name}: standard deviation ${measure.noiseSd} ${measure.unit}, 95% interval half-width ${measure.ci95HalfWidth}`)
    .join('; ');
  return (
    `Every published value has exact integer ${mechanism} noise added (sampled from a cryptographic random source), ` +
    `calibrated to zero-concentrated differential privacy with rho = ${privacy.rho} per period ` +
    `(epsilon = ${privacy.epsilon} at delta = ${privacy.delta}), the contributing organization being the privacy unit. ` +
    `Per measure: ${perMeasure}. ` +
    (privacy.selection
      ? `A cell is published only if at least ${privacy.k} organizations contributed and a noisy count of them (standard deviation ${privacy.selection.noiseSd}) reaches ${privacy.selection.threshold}. `
      : `The cells are declared public keys, published whatever the data: ${privacy.publicKeys?.rule ?? ''} `) +
    'Values are not rounded or clipped after noise, so small values can be negative; the data files give each ' +
    'value\'s noise standard deviation and 95% interval.'
  );
}

export function spdxDocument(input: SpdxInput): Record<string, unknown> {
  const base = input.baseUrl?.replace(/\/+$/, '');
  const releaseUrl = base ? `${base}/v1/releases/${input.releaseId}` : undefined;
  const namespace = `urn:uuid:${input.releaseId}`;
  const id = (local: string) => `${namespace}#${local}`;
  const created = spdxDateTime(input.createdAt);
  const creationInfo = '_:creation-info';
  const tool = id('builder');
  const licenseId = id('license');
  const datasetId = id('dataset');
  const fileIds = input.files.map((file) => id(`file-${file.path}`));
  const { privacy } = input;
  const catalogue = input.catalogue;
  const dataset = {
    type: 'dataset_DatasetPackage',
    spdxId: datasetId,
    creationInfo,
    name: `${input.spec.title} (${input.period.id})`,
    summary: input.spec.title,
    description: input.spec.description,
    ...(catalogue ? { comment: `Research question: ${catalogue.researchQuestion}` } : {}),
    software_packageVersion: `${input.spec.version}+${input.period.id}`,
    software_downloadLocation: releaseUrl ? `${releaseUrl}/datapackage.json` : `${namespace}`,
    ...(base ? { software_homePage: `${base}/v1/datasets/${input.spec.id}` } : {}),
    software_primaryPurpose: 'data',
    originatedBy: [tool],
    releaseTime: created,
    builtTime: created,
    dataset_datasetType: ['categorical', 'numeric'],
    dataset_datasetSize: input.rows,
    dataset_dataCollectionProcess:
      `${input.spec.methodology.counted} Collected as consented, identifier-free telemetry from secure file-transfer ` +
      `product instances; each organization's contribution is bounded before aggregation. Period: ${input.periodDescription}.`,
    dataset_anonymizationMethodUsed: [
      `Differential privacy: zero-concentrated DP (zCDP), ${privacy.summary}`,
      `Mechanism: ${privacy.mechanism}, exact integer sampling`,
      `k-anonymity floor: a cell is published only if at least ${privacy.k} distinct organizations contributed`,
      privacy.selection ? 'Differentially private cell selection (noisy organization count against a threshold)' : 'Declared public keys: no data-dependent cell selection',
      'Identifiers stripped and values generalized at ingest',
    ],
    dataset_datasetNoise: noiseInWords(privacy),
    dataset_confidentialityLevel: 'clear',
    dataset_datasetAvailability: 'directDownload',
    dataset_hasSensitivePersonalInformation: 'no',
    dataset_intendedUse:
      `Aggregate research on AI-content transfers across organizations${catalogue ? `: ${catalogue.researchQuestion}` : ''} ` +
      `The unit counted: ${input.spec.methodology.unit} Not for decisions about any single organization.`,
    dataset_knownBias: [...input.spec.methodology.knownBiases],
    dataset_datasetUpdateMechanism:
      'A new, separately signed release for each collection period, published automatically once the period and its grace window ' +
      'for late events have ended; each release names the previous one and the SHA-256 of its datapackage.json, and no release is ever changed.',
  };
  const files = input.files.map((file, index) => ({
    type: 'software_File',
    spdxId: fileIds[index]!,
    creationInfo,
    name: file.path,
    contentType: file.mediaType,
    software_primaryPurpose: 'data',
    verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: file.sha256 }],
  }));
  return {
    '@context': SPDX_CONTEXT,
    '@graph': [
      {
        type: 'CreationInfo',
        '@id': creationInfo,
        specVersion: '3.0.1',
        created,
        createdBy: [tool],
        comment: `Written by ${SERVICE_NAME} ${SERVICE_VERSION} with the release; the same facts are in the signed datapackage.json.`,
      },
      {
        type: 'SoftwareAgent',
        spdxId: tool,
        creationInfo,
        name: `${SERVICE_NAME} ${SERVICE_VERSION}`,
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: SERVICE_PURL }],
      },
      {
        type: 'SpdxDocument',
        spdxId: id('document'),
        creationInfo,
        name: `SPDX description of release ${input.releaseId}`,
        profileConformance: ['core', 'software', 'dataset'],
        rootElement: [datasetId],
        element: [tool, datasetId, ...fileIds, licenseId, id('distribution'), id('declared-license')],
      },
      dataset,
      ...files,
      {
        type: 'Relationship',
        spdxId: id('distribution'),
        creationInfo,
        from: datasetId,
        relationshipType: 'hasDistributionArtifact',
        to: fileIds,
        completeness: 'complete',
      },
      { type: 'simplelicensing_LicenseExpression', spdxId: licenseId, creationInfo, simplelicensing_licenseExpression: input.license },
      {
        type: 'Relationship',
        spdxId: id('declared-license'),
        creationInfo,
        from: datasetId,
        relationshipType: 'hasDeclaredLicense',
        to: [licenseId],
      },
    ],
  };
}
