/**
 * A release's keys as the researchers' pages show them. A key is one combination of dimension
 * values. Releases with public keys carry a row per key with `status` (`published`, or `suppressed`
 * with `suppression_reason` and empty values); older releases list only the keys that were
 * published, so every other key of the dataset's domain was not published there. Both read the same.
 */
import type { CataloguedDataset } from '../../releases/dataset-catalogue';

export type TidyRow = Record<string, string | number | null>;

export interface PublishedValue {
  value: number;
  noiseSd: number;
  low: number;
  high: number;
}

export type KeyStatus = 'published' | 'suppressed' | 'not_published';

export interface ReleaseKey {
  /** The dimension values, in the spec's dimension order. */
  dimensions: string[];
  id: string;
  status: KeyStatus;
  /** Why a suppressed key was not published, as the release states it (e.g. `fewer_than_k_organizations`). */
  suppressionReason?: string;
  values: Partial<Record<string, PublishedValue>>;
  /**
   * Measures of a published key that were suppressed on their own, with the release's reason: a share
   * is suppressed by its group's noisy organization count, which is not the key's own.
   */
  suppressedMeasures: Partial<Record<string, string>>;
}

export interface ReleaseKeyCounts {
  published: number;
  /** Suppressed, or (in releases without public keys) not among the published combinations. */
  suppressed: number;
}

/** Keys travel in URLs as their dimension values joined by `~`, which no dimension value may contain. */
export const KEY_SEPARATOR = '~';
export const keyId = (dimensions: readonly string[]) => dimensions.join(KEY_SEPARATOR);

/** The largest domain listed key by key for releases without public keys; larger ones list their published keys only. */
const MAX_LISTED_DOMAIN = 2_000;

/** Every combination of the dimensions' values, in the spec's order; undefined when it is too large to list. */
export function domainKeys(dataset: CataloguedDataset): string[][] | undefined {
  let keys: string[][] = [[]];
  for (const dimension of dataset.spec.dimensions) {
    const values = dataset.domains[dimension.name] ?? [];
    if (keys.length * values.length > MAX_LISTED_DOMAIN) return undefined;
    keys = keys.flatMap((prefix) => values.map((value) => [...prefix, value]));
  }
  return keys;
}

const isEmpty = (value: unknown) => value === null || value === undefined || value === '';

/**
 * One entry per key, in the release's order (or the domain's, for keys a release without public keys
 * left out). A key is published when any of its measures is; a measure suppressed while others of
 * its key are published is kept in `suppressedMeasures`.
 */
export function releaseKeys(dataset: CataloguedDataset, rows: readonly TidyRow[]): ReleaseKey[] {
  const names = dataset.spec.dimensions.map((dimension) => dimension.name);
  const keys = new Map<string, ReleaseKey>();
  let carriesStatus = false;
  for (const row of rows) {
    const dimensions = names.map((name) => String(row[name]));
    const id = keyId(dimensions);
    let key = keys.get(id);
    if (!key) {
      key = { dimensions, id, status: 'suppressed', values: {}, suppressedMeasures: {} };
      keys.set(id, key);
    }
    if (row.status !== undefined) carriesStatus = true;
    const measure = String(row.measure);
    if (row.status === 'suppressed' || isEmpty(row.value)) {
      const reason = isEmpty(row.suppression_reason) ? 'fewer_than_k_organizations' : String(row.suppression_reason);
      key.suppressedMeasures[measure] = reason;
      continue;
    }
    key.status = 'published';
    key.values[measure] = {
      value: Number(row.value),
      noiseSd: Number(row.noise_sd),
      low: Number(row.ci95_low),
      high: Number(row.ci95_high),
    };
  }
  for (const key of keys.values()) {
    if (key.status === 'published') continue;
    // Every measure suppressed: the key was not published, for the reason its rows give.
    const reasons = Object.values(key.suppressedMeasures);
    const reason = reasons.find((candidate) => candidate !== 'fewer_than_k_organizations') ?? reasons[0];
    if (reason !== undefined) key.suppressionReason = reason;
    key.suppressedMeasures = {};
  }
  if (carriesStatus) return [...keys.values()];
  const domain = domainKeys(dataset);
  if (!domain) return [...keys.values()];
  const listed = [...keys.values()];
  for (const dimensions of domain) {
    const id = keyId(dimensions);
    if (!keys.has(id)) listed.push({ dimensions, id, status: 'not_published', values: {}, suppressedMeasures: {} });
  }
  return listed;
}

export function countKeys(keys: readonly ReleaseKey[]): ReleaseKeyCounts {
  const published = keys.filter((key) => key.status === 'published').length;
  return { published, suppressed: keys.length - published };
}

/** Published keys first (in release order), then the others. */
export function publishedFirst(keys: readonly ReleaseKey[]): ReleaseKey[] {
  return [...keys.filter((key) => key.status === 'published'), ...keys.filter((key) => key.status !== 'published')];
}
