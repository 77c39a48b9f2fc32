/**
 * Dataset specs: what a published dataset counts, declared as data (schemas/datasets/*.json) and
 * checked here when the service starts. A spec names its dimensions (each a counter column, an
 * ordered list of cases over columns, or a set of 0/1 flag columns of which every set one yields a
 * cell), the rows it keeps (filters), its measures, the contribution bounds that fix the noise
 * scale, its share of the period's privacy budget and its k-anonymity floor.
 *
 * Everything a spec may name is checked against the counter columns and their vocabularies, so a
 * typo stops the service with the file and the path of the mistake instead of publishing nothing.
 */
import { z } from 'zod';
import type { CounterCellColumn } from '../db/schema';
import { COUNTER_COLUMN_VALUES, type CellValue, isCounterCellColumn, isFlagColumn } from './counter-column-vocabulary';

export const MEASURES = ['transfer_count', 'distinct_organizations', 'clamped_byte_sum', 'organization_share'] as const;
export type Measure = (typeof MEASURES)[number];

/**
 * organization_share: each organization's distribution over the share dimension's values within a
 * group (the key without that dimension) is put on a grid of this many units, apportioned by largest
 * remainders so it sums to exactly this. 10,000 makes a share-sum in organizations an exact 4-decimal
 * number, and the rounding (at most 1/10,000 of one organization per key) is far below the noise.
 */
export const SHARE_GRID_UNITS = 10_000;

/**
 * Byte sums are published in a decimal unit (megabytes by default): noise on a weekly byte total is
 * in the gigabytes, so single bytes would be false precision, and smaller numbers keep every total
 * and the engine's L0 * clamp far below 2^53. Each organization's bytes in a cell are rounded to
 * the nearest unit before clamping.
 */
export const BYTE_UNITS = { B: 1, kB: 1_000, MB: 1_000_000, GB: 1_000_000_000 } as const;
export type ByteUnit = keyof typeof BYTE_UNITS;

/** Columns every tidy release file has besides the dimensions; a dimension may not take these names. */
export const RESERVED_COLUMN_NAMES = ['period', 'measure', 'status', 'suppression_reason', 'value', 'noisy_value', 'noise_sd', 'ci95_low', 'ci95_high'] as const;

const snakeName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be snake_case (a-z, 0-9, _), starting with a letter');
/** Dimension values end up in CSV cells and URLs: keep them to plain tokens. */
const dimensionValue = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,62}$/, 'must be a plain token (letters, digits, _ . + -)');
const prose = z.string().trim().min(1).max(4000);
const cellValue = z.union([z.string(), z.number().int()]);

const conditionSchema = z
  .object({
    column: z.string(),
    in: z.array(cellValue).min(1).optional(),
    notIn: z.array(cellValue).min(1).optional(),
  })
  .strict()
  .refine((condition) => (condition.in === undefined) !== (condition.notIn === undefined), {
    message: 'give exactly one of "in" or "notIn"',
  });

const dimensionBase = {
  name: snakeName,
  title: prose,
  description: prose,
  /** Readable titles for published values (`life_sciences` -> "Life sciences"); codes without one are spelled out. */
  valueTitles: z.record(dimensionValue, prose.max(200)).optional(),
};

const columnDimensionSchema = z
  .object({
    ...dimensionBase,
    kind: z.literal('column'),
    column: z.string(),
    /** Published names for stored values (required for 0/1 columns); keys are the stored values as text. */
    labels: z.record(z.string(), dimensionValue).optional(),
  })
  .strict();

const casesDimensionSchema = z
  .object({
    ...dimensionBase,
    kind: z.literal('cases'),
    /** First matching case wins; a case matches when all its conditions hold. */
    cases: z
      .array(z.object({ value: dimensionValue, description: prose.optional(), when: z.array(conditionSchema).min(1) }).strict())
      .min(1),
    /** Value when no case matches; null drops the row from the dataset. */
    otherwise: dimensionValue.nullable(),
    otherwiseDescription: prose.optional(),
  })
  .strict();

const flagsDimensionSchema = z
  .object({
    ...dimensionBase,
    kind: z.literal('flags'),
    /** One cell per flag set on the row: a row with two flags counts in two cells. */
    flags: z.array(z.object({ value: dimensionValue, column: z.string() }).strict()).min(1),
    /** Value when no flag is set; null drops such rows. */
    none: dimensionValue.nullable(),
  })
  .strict();

const dimensionSchema = z.discriminatedUnion('kind', [columnDimensionSchema, casesDimensionSchema, flagsDimensionSchema]);

/** The vocabularies a dataset's categories may come from (the published names of AI supply-chain work). */
export const VOCABULARIES = ['cosai-ws1-maturity-model', 'openssf-model-signing', 'slsa', 'in-toto', 'spdx-3'] as const;

/**
 * Catalogue metadata for AI supply-chain researchers: the research question of the Coalition for
 * Secure AI (CoSAI) that the dataset answers, and the vocabularies its categories come from, with
 * links, so a researcher can map a dimension to the framework they already use.
 */
const catalogueSchema = z
  .object({
    researchQuestion: prose.max(600),
    researchQuestionSource: z.object({ title: prose.max(200), url: z.url() }).strict(),
    vocabularies: z
      .array(
        z
          .object({
            id: z.enum(VOCABULARIES),
            title: prose.max(200),
            url: z.url(),
            /** What of the vocabulary the dataset uses, and for which of its dimensions. */
            usedFor: prose.max(600),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const datasetSpecSchema = z
  .object({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be kebab-case (a-z, 0-9, -)'),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.0.0'),
    title: prose.max(200),
    description: prose,
    keywords: z.array(z.string().min(1).max(60)).default([]),
    filters: z.array(conditionSchema).default([]),
    dimensions: z.array(dimensionSchema).min(1).max(6),
    /**
     * `public`: the key space is the cross product of the dimensions' enumerated values (after
     * filters, minus excludedKeys); every key gets a row in every release, noised whether or not
     * anyone contributed, and keys whose noisy organization count is below k are marked suppressed.
     * `private`: keys are selected from the data with DP selection (for a future open dimension).
     */
    keys: z.enum(['public', 'private']),
    /**
     * Public keys only: combinations that cannot occur, left out of the key space. Each entry names
     * some dimensions and a value for each; a key matching every named value is left out.
     */
    excludedKeys: z.array(z.record(z.string(), dimensionValue)).default([]),
    measures: z.array(z.enum(MEASURES)).min(1),
    /**
     * Relative share of the dataset's budget per measure (default 1 each). With public keys the
     * distinct-organization count decides suppression, so specs give it more weight.
     */
    budgetWeights: z.partialRecord(z.enum(MEASURES), z.number().gt(0).max(100)).default({}),
    bounds: z
      .object({
        /** L0: the most cells one organization may influence per period. */
        maxCellsPerOrganization: z.number().int().min(1).max(10_000),
        /** Linf of transfer_count: each organization's transfers in a cell are capped at this. */
        maxTransfersPerCell: z.number().int().min(1).max(1_000_000_000),
        /** Clamp of clamped_byte_sum: each organization's byte total in a cell is clamped to [0, this]. */
        maxBytesPerCell: z.number().int().min(1).max(2 ** 50),
        rationale: prose,
      })
      .strict(),
    /**
     * Required with the organization_share measure: the dimension whose values the shares are over
     * ("over"); a key's group is the key without it. Each organization contributes its own
     * distribution over the dimension's values in at most maxGroupsPerOrganization groups (chosen
     * uniformly at random when it has more), so the share measure's L2 sensitivity is
     * sqrt(maxGroupsPerOrganization) organizations whatever its volume. Public keys only.
     */
    shares: z
      .object({
        over: snakeName,
        maxGroupsPerOrganization: z.number().int().min(1).max(10_000),
      })
      .strict()
      .optional(),
    /** Fraction of the period's rho this dataset spends; the catalogue's shares add up to at most 1. */
    budgetShare: z.number().gt(0).max(1),
    /** Unit of clamped_byte_sum values (and of its noise and intervals). */
    byteUnit: z.enum(Object.keys(BYTE_UNITS) as [ByteUnit, ...ByteUnit[]]).default('MB'),
    /** Noise distribution: discrete Gaussian (zCDP, the default) or discrete Laplace. */
    mechanism: z.enum(['gaussian', 'laplace']).default('gaussian'),
    /** Minimum distinct organizations per published cell; the service's K_ANONYMITY applies if higher. */
    k: z.number().int().min(2).max(10_000).optional(),
    methodology: z
      .object({
        counted: prose,
        unit: prose,
        knownBiases: z.array(prose).min(1),
      })
      .strict(),
    /** Where the dataset sits in the AI supply-chain community's work (optional; see catalogueSchema). */
    catalogue: catalogueSchema.optional(),
  })
  .strict()
  .superRefine((spec, context) => {
    const issue = (path: PropertyKey[], message: string) => context.addIssue({ code: 'custom', path, message });
    const checkColumn = (column: string, path: PropertyKey[]): column is CounterCellColumn => {
      if (!isCounterCellColumn(column)) {
        issue(path, `unknown counter column "${column}"`);
        return false;
      }
      return true;
    };
    const checkCondition = (condition: z.infer<typeof conditionSchema>, path: PropertyKey[]) => {
      if (!checkColumn(condition.column, [...path, 'column'])) return;
      const allowed = COUNTER_COLUMN_VALUES[condition.column];
      for (const [key, values] of [['in', condition.in], ['notIn', condition.notIn]] as const) {
        values?.forEach((value, index) => {
          if (!allowed.includes(value)) issue([...path, key, index], `"${value}" is not a value of ${condition.column}`);
        });
      }
    };
    spec.filters.forEach((condition, index) => checkCondition(condition, ['filters', index]));

    const names = new Set<string>();
    spec.dimensions.forEach((dimension, index) => {
      const path = ['dimensions', index];
      if ((RESERVED_COLUMN_NAMES as readonly string[]).includes(dimension.name)) issue([...path, 'name'], `"${dimension.name}" is reserved`);
      if (names.has(dimension.name)) issue([...path, 'name'], `duplicate dimension "${dimension.name}"`);
      names.add(dimension.name);
      switch (dimension.kind) {
        case 'column': {
          if (!checkColumn(dimension.column, [...path, 'column'])) break;
          const stored = COUNTER_COLUMN_VALUES[dimension.column].map(String);
          for (const key of Object.keys(dimension.labels ?? {})) {
            if (!stored.includes(key)) issue([...path, 'labels', key], `"${key}" is not a value of ${dimension.column}`);
          }
          if (isFlagColumn(dimension.column) && !stored.every((value) => dimension.labels?.[value] !== undefined)) {
            issue([...path, 'labels'], `0/1 column ${dimension.column} needs a label for 0 and for 1`);
          }
          break;
        }
        case 'cases': {
          dimension.cases.forEach((entry, caseIndex) =>
            entry.when.forEach((condition, conditionIndex) =>
              checkCondition(condition, [...path, 'cases', caseIndex, 'when', conditionIndex]),
            ),
          );
          const values = [...dimension.cases.map((entry) => entry.value), ...(dimension.otherwise ? [dimension.otherwise] : [])];
          if (new Set(values).size !== values.length) issue([...path, 'cases'], 'case values must be distinct');
          break;
        }
        case 'flags': {
          dimension.flags.forEach((flag, flagIndex) => {
            if (checkColumn(flag.column, [...path, 'flags', flagIndex, 'column']) && !isFlagColumn(flag.column)) {
              issue([...path, 'flags', flagIndex, 'column'], `${flag.column} is not a 0/1 column`);
            }
          });
          const values = [...dimension.flags.map((flag) => flag.value), ...(dimension.none ? [dimension.none] : [])];
          if (new Set(values).size !== values.length) issue([...path, 'flags'], 'flag values must be distinct');
          break;
        }
      }
    });
    if (new Set(spec.measures).size !== spec.measures.length) issue(['measures'], 'measures must be distinct');
    if (spec.keys === 'public' && !spec.measures.includes('distinct_organizations')) {
      issue(['measures'], 'a public-keys spec needs distinct_organizations: suppression reads its noisy value');
    }
    for (const measure of Object.keys(spec.budgetWeights)) {
      if (!spec.measures.includes(measure as Measure)) issue(['budgetWeights', measure], `"${measure}" is not a measure of this spec`);
    }
    const hasShares = spec.measures.includes('organization_share');
    if (hasShares && spec.shares === undefined) issue(['shares'], 'the organization_share measure needs "shares": { "over": <dimension>, "maxGroupsPerOrganization": <L0> }');
    if (!hasShares && spec.shares !== undefined) issue(['shares'], 'declared without the organization_share measure');
    if (spec.shares !== undefined) {
      if (!names.has(spec.shares.over)) issue(['shares', 'over'], `"${spec.shares.over}" is not a dimension of this spec`);
      if (spec.keys !== 'public') issue(['shares'], 'shares need public keys: their groups are declared in advance');
    }
    if (spec.keys === 'private' && spec.excludedKeys.length > 0) issue(['excludedKeys'], 'only a public-keys spec declares its key space');
    spec.excludedKeys.forEach((pattern, index) => {
      if (Object.keys(pattern).length === 0) issue(['excludedKeys', index], 'name at least one dimension');
      for (const name of Object.keys(pattern)) {
        if (!names.has(name)) issue(['excludedKeys', index, name], `"${name}" is not a dimension of this spec`);
      }
    });
    if (spec.bounds.maxBytesPerCell % BYTE_UNITS[spec.byteUnit] !== 0) {
      issue(['bounds', 'maxBytesPerCell'], `must be a whole number of ${spec.byteUnit}`);
    }
  });

export type DatasetSpec = z.infer<typeof datasetSpecSchema>;
export type DimensionSpec = DatasetSpec['dimensions'][number];
export type ConditionSpec = z.infer<typeof conditionSchema>;
export type { CellValue };
