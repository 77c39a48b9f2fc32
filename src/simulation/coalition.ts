/**
 * A synthetic research coalition: organizations with a sector, a size band and a country, and the
 * habits that shape their telemetry (protocols and the controls their policy applies to each, AI
 * platforms, what AI content they move and how fast that grows, how often they verify integrity).
 *
 * The shape is what real coalitions look like and what makes a privacy release hard: many small
 * organizations and a few large ones that send most of the traffic (size band times a log-normal
 * factor), sectors that differ (technology and research move far more AI content than government;
 * finance and defense apply far more controls than education), and habits that repeat, so each
 * organization fills a modest number of cells. Everything is drawn from the injected random source:
 * a seed gives the same coalition every time.
 */
import {
  ACCESS_CONTROLS,
  type AccessControl,
  type AiPlatform,
  type ContentClass,
  ORG_SIZE_BANDS,
  type OrgSizeBand,
  type Protocol,
  type Sector,
} from '../datasets/vocabulary';
import type { SimulationRandom } from './simulation-random';

/** The content classes that are AI content (everything but `non_ai` and `unknown`). */
export const AI_CONTENT_CLASSES = [
  'ai_generated_document',
  'ai_generated_code',
  'training_dataset',
  'model_artifact',
  'inference_output',
] as const satisfies readonly ContentClass[];
export type AiContentClass = (typeof AI_CONTENT_CLASSES)[number];

type Weights<K extends string> = Readonly<Partial<Record<K, number>>>;

/** What distinguishes a sector; figures are plausible assumptions for synthetic data, not measurements. */
export interface SectorProfile {
  /** Share of the coalition's organizations. */
  weight: number;
  /** Typical share of transfers carrying AI content at the start, and its growth in share points per year. */
  aiShare: number;
  aiGrowthPerYear: number;
  aiContent: Weights<AiContentClass>;
  protocols: Weights<Protocol>;
  /** 0..1: how much of the baseline control set its policies switch on. */
  controlStrictness: number;
  /** 0..1: how often it verifies hashes of what it moves. */
  integrityRigor: number;
  /** Platforms it leans towards, on top of the market's shares. */
  platformLean?: Weights<AiPlatform>;
  /** Organizations of this sector are larger than the coalition's mix (defense, energy, telecom). */
  largerThanAverage?: boolean;
}

const DOCS_HEAVY: Weights<AiContentClass> = { ai_generated_document: 6, inference_output: 2, ai_generated_code: 1 };

export const SECTOR_PROFILES: Readonly<Record<Sector, SectorProfile>> = {
  finance: {
    weight: 14, aiShare: 0.12, aiGrowthPerYear: 0.1, controlStrictness: 0.85, integrityRigor: 0.6,
    aiContent: { ai_generated_document: 4, inference_output: 3, ai_generated_code: 2, training_dataset: 1 },
    protocols: { sftp: 5, as2: 2, api: 3, https_web: 2, ftps: 1 },
    platformLean: { microsoft: 2, self_hosted: 1 },
  },
  healthcare: {
    weight: 10, aiShare: 0.08, aiGrowthPerYear: 0.08, controlStrictness: 0.75, integrityRigor: 0.45,
    aiContent: { ai_generated_document: 5, inference_output: 3, training_dataset: 1 },
    protocols: { sftp: 4, https_web: 3, email_link: 2, api: 1, as2: 1 },
    platformLean: { microsoft: 2, google: 1 },
  },
  life_sciences: {
    weight: 6, aiShare: 0.22, aiGrowthPerYear: 0.15, controlStrictness: 0.7, integrityRigor: 0.7,
    aiContent: { training_dataset: 5, model_artifact: 3, inference_output: 2, ai_generated_document: 2 },
    protocols: { sftp: 3, api: 3, https_web: 2, agent: 1 },
    platformLean: { huggingface: 2, aws_bedrock: 1, self_hosted: 1 },
  },
  government: {
    weight: 7, aiShare: 0.05, aiGrowthPerYear: 0.06, controlStrictness: 0.8, integrityRigor: 0.5,
    aiContent: DOCS_HEAVY, protocols: { sftp: 3, smb: 2, https_web: 2, email_link: 1, ftps: 1 },
    platformLean: { microsoft: 3, self_hosted: 2 },
  },
  defense: {
    weight: 3, aiShare: 0.07, aiGrowthPerYear: 0.05, controlStrictness: 0.95, integrityRigor: 0.85,
    aiContent: { model_artifact: 3, training_dataset: 2, ai_generated_document: 2 },
    protocols: { sftp: 4, smb: 1, agent: 2 }, platformLean: { self_hosted: 6 }, largerThanAverage: true,
  },
  education: {
    weight: 7, aiShare: 0.18, aiGrowthPerYear: 0.12, controlStrictness: 0.35, integrityRigor: 0.2,
    aiContent: { ai_generated_document: 6, ai_generated_code: 2, inference_output: 1 },
    protocols: { https_web: 4, email_link: 3, smb: 1, sftp: 1 }, platformLean: { google: 2, openai: 1 },
  },
  research: {
    weight: 5, aiShare: 0.3, aiGrowthPerYear: 0.15, controlStrictness: 0.45, integrityRigor: 0.55,
    aiContent: { training_dataset: 4, model_artifact: 3, ai_generated_code: 2, ai_generated_document: 2 },
    protocols: { https_web: 3, sftp: 2, api: 2, agent: 1 }, platformLean: { huggingface: 3, meta: 1, self_hosted: 1 },
  },
  technology: {
    weight: 14, aiShare: 0.35, aiGrowthPerYear: 0.18, controlStrictness: 0.6, integrityRigor: 0.5,
    aiContent: { ai_generated_code: 5, model_artifact: 2, inference_output: 3, training_dataset: 2, ai_generated_document: 2 },
    protocols: { api: 5, https_web: 3, sftp: 2, agent: 2 }, platformLean: { anthropic: 1, openai: 1, aws_bedrock: 1 },
  },
  telecom: {
    weight: 4, aiShare: 0.15, aiGrowthPerYear: 0.1, controlStrictness: 0.7, integrityRigor: 0.4,
    aiContent: { inference_output: 3, ai_generated_code: 2, ai_generated_document: 2, training_dataset: 1 },
    protocols: { sftp: 3, api: 3, ftp: 1, as2: 1 }, largerThanAverage: true,
  },
  manufacturing: {
    weight: 8, aiShare: 0.08, aiGrowthPerYear: 0.09, controlStrictness: 0.55, integrityRigor: 0.35,
    aiContent: { ai_generated_document: 3, inference_output: 2, model_artifact: 1 },
    protocols: { sftp: 3, ftp: 2, as2: 2, smb: 2, email_link: 1 },
  },
  energy: {
    weight: 3, aiShare: 0.07, aiGrowthPerYear: 0.08, controlStrictness: 0.75, integrityRigor: 0.45,
    aiContent: { inference_output: 3, ai_generated_document: 2, model_artifact: 1 },
    protocols: { sftp: 3, smb: 2, ftps: 1, agent: 1 }, largerThanAverage: true,
  },
  legal: {
    weight: 4, aiShare: 0.1, aiGrowthPerYear: 0.12, controlStrictness: 0.7, integrityRigor: 0.3,
    aiContent: DOCS_HEAVY, protocols: { https_web: 3, email_link: 3, sftp: 1 }, platformLean: { microsoft: 1, anthropic: 1 },
  },
  retail: {
    weight: 5, aiShare: 0.14, aiGrowthPerYear: 0.12, controlStrictness: 0.45, integrityRigor: 0.25,
    aiContent: { ai_generated_document: 3, inference_output: 3, ai_generated_code: 1 },
    protocols: { api: 3, sftp: 2, as2: 2, ftp: 1 },
  },
  media: {
    weight: 3, aiShare: 0.28, aiGrowthPerYear: 0.2, controlStrictness: 0.35, integrityRigor: 0.25,
    aiContent: { ai_generated_document: 5, inference_output: 2, model_artifact: 1 },
    protocols: { https_web: 4, api: 2, email_link: 2, ftp: 1 },
  },
  transport: {
    weight: 2, aiShare: 0.07, aiGrowthPerYear: 0.08, controlStrictness: 0.5, integrityRigor: 0.3,
    aiContent: { inference_output: 3, ai_generated_document: 2 }, protocols: { as2: 3, sftp: 3, ftp: 1, api: 1 },
  },
  nonprofit: {
    weight: 3, aiShare: 0.1, aiGrowthPerYear: 0.1, controlStrictness: 0.3, integrityRigor: 0.15,
    aiContent: DOCS_HEAVY, protocols: { https_web: 3, email_link: 3, sftp: 1 },
  },
  other: {
    weight: 2, aiShare: 0.1, aiGrowthPerYear: 0.1, controlStrictness: 0.5, integrityRigor: 0.3,
    aiContent: DOCS_HEAVY, protocols: { sftp: 2, https_web: 2, email_link: 1, api: 1 },
  },
};

/** Share of organizations per size band: many small, few large. */
const SIZE_BAND_MIX: Weights<OrgSizeBand> = { '1-49': 34, '50-249': 30, '250-999': 19, '1000-4999': 12, '5000+': 5 };
const LARGER_SIZE_BAND_MIX: Weights<OrgSizeBand> = { '1-49': 10, '50-249': 20, '250-999': 30, '1000-4999': 25, '5000+': 15 };
/** Median traffic of a size band relative to the smallest; the log-normal factor spreads organizations within a band. */
const SIZE_BAND_VOLUME: Readonly<Record<OrgSizeBand, number>> = { '1-49': 1, '50-249': 3, '250-999': 10, '1000-4999': 30, '5000+': 100 };
const VOLUME_SPREAD_SIGMA = 0.8;

/** Where coalition members are registered (ISO 3166-1 alpha-2), weighted towards the vendor's main markets. */
const HOME_COUNTRIES: Weights<string> = {
  US: 26, CA: 4, MX: 1, BR: 3, AR: 1, GB: 8, DE: 8, FR: 6, NL: 3, SE: 2, CH: 2, ES: 2, IT: 2, PL: 2, IE: 1,
  JP: 5, IN: 5, SG: 2, KR: 2, AE: 1, AU: 3, NZ: 1, ZA: 1, KE: 1, NG: 1,
};

/** The market's AI platform shares at the start. */
const PLATFORM_MARKET: Readonly<Record<Exclude<AiPlatform, 'none'>, number>> = {
  openai: 30, microsoft: 18, google: 12, anthropic: 9, aws_bedrock: 8, huggingface: 5, self_hosted: 7, meta: 4, mistral: 3, other: 4,
};

/** How often a policy that applies controls at all switches each one on (before sector strictness). */
const CONTROL_BASE_RATE: Readonly<Record<AccessControl, number>> = {
  mfa: 0.92, sso: 0.8, linkExpiry: 0.6, downloadLimit: 0.4, ipAllowlist: 0.35, watermark: 0.15, dlpScan: 0.55, customerManagedKeys: 0.2,
};
/** Legacy and ad-hoc protocols carry fewer controls than managed ones. */
const PROTOCOL_CONTROL_FACTOR: Readonly<Record<Protocol, number>> = {
  sftp: 0.9, ftps: 0.8, ftp: 0.3, https_web: 1, api: 0.85, as2: 0.8, smb: 0.6, email_link: 0.7, agent: 0.9, other: 0.5,
};

const NAME_STEMS = [
  'Northwind', 'Blue Harbor', 'Cedar', 'Granite', 'Silverline', 'Redwood', 'Meridian', 'Aurora', 'Summit', 'Lakeshore', 'Ironbridge',
  'Evergreen', 'Copperfield', 'Highland', 'Riverbend', 'Westgate', 'Bluestone', 'Oakridge', 'Starling', 'Harborview', 'Pinecrest',
  'Brightwater', 'Stonefield', 'Kestrel', 'Larkspur', 'Marlow', 'Ashford', 'Fairhaven', 'Greyfield', 'Juniper',
];
const SECTOR_NOUNS: Readonly<Record<Sector, readonly string[]>> = {
  finance: ['Bank', 'Capital', 'Securities', 'Insurance'],
  healthcare: ['Health', 'Clinic', 'Hospital Group', 'Care'],
  life_sciences: ['Therapeutics', 'Bio', 'Genomics', 'Pharma'],
  government: ['Agency', 'Ministry', 'County Services', 'Authority'],
  defense: ['Defense Systems', 'Aerospace', 'Dynamics'],
  education: ['University', 'College', 'School District'],
  research: ['Institute', 'Research Lab', 'Observatory'],
  technology: ['Systems', 'Software', 'Cloud', 'Labs'],
  telecom: ['Telecom', 'Networks', 'Mobile'],
  manufacturing: ['Manufacturing', 'Industries', 'Components'],
  energy: ['Energy', 'Power', 'Utilities'],
  legal: ['Law', 'Legal Partners', 'Advocates'],
  retail: ['Retail', 'Markets', 'Stores'],
  media: ['Media', 'Studios', 'Publishing'],
  transport: ['Logistics', 'Freight', 'Transit'],
  nonprofit: ['Foundation', 'Trust', 'Alliance'],
  other: ['Group', 'Holdings', 'Partners'],
};

export interface ProtocolHabit {
  protocol: Protocol;
  /** Relative share of the organization's transfers. */
  weight: number;
  /** The controls its policy applies on this protocol (policies are per protocol, so they repeat). */
  controls: Readonly<Record<AccessControl, boolean>>;
}

export interface SimulatedOrganization {
  /** Position in the coalition, 0-based; stable for a seed. */
  index: number;
  name: string;
  sector: Sector;
  sizeBand: OrgSizeBand;
  /** Registration country (ISO 3166-1 alpha-2); also where most of its transfers happen. */
  country: string;
  /** Countries its transfers happen in, home first. */
  operatingCountries: readonly string[];
  /** Relative traffic volume; the coalition's mean is 1. Heavy-tailed: a few organizations send most events. */
  trafficWeight: number;
  protocols: readonly ProtocolHabit[];
  /** AI platforms it uses, with relative weights (before the market's drift). */
  aiPlatforms: Weights<Exclude<AiPlatform, 'none'>>;
  aiContent: Weights<AiContentClass>;
  /** Share of its transfers carrying AI content at the coalition's start, and growth in share points per year. */
  aiShareAtStart: number;
  aiShareGrowthPerYear: number;
  /** Probability a transfer's hash is verified at both ends; signatures are rarer. */
  hashVerificationRate: number;
  signatureVerificationRate: number;
  /** Of its verified signatures, the share that are provenance attestations (in-toto, SLSA, OMS) at the coalition's start. */
  attestationShareAtStart: number;
  /** Probability a transfer gets a chain-of-custody record. */
  custodyRecordRate: number;
  /** Share of inbound/outbound transfers that cross an organization boundary. */
  crossOrgRate: number;
}

export interface Coalition {
  /** The reference time of AI-share drift: shares are `aiShareAtStart` here and grow from here on. */
  start: Date;
  organizations: readonly SimulatedOrganization[];
}

export interface CoalitionOptions {
  organizations: number;
  start: Date;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

function protocolHabits(random: SimulationRandom, profile: SectorProfile, strictness: number): ProtocolHabit[] {
  const available = Object.keys(profile.protocols) as Protocol[];
  const count = Math.min(available.length, 1 + random.below(3) + (strictness > 0.7 ? 1 : 0));
  const chosen = new Set<Protocol>();
  while (chosen.size < count) chosen.add(random.pickWeighted(profile.protocols));
  return [...chosen].map((protocol) => ({
    protocol,
    weight: (profile.protocols[protocol] ?? 1) * random.logNormal(0, 0.5),
    controls: Object.fromEntries(
      ACCESS_CONTROLS.map((control) => [
        control,
        random.chance(clamp(CONTROL_BASE_RATE[control] * strictness * PROTOCOL_CONTROL_FACTOR[protocol] * 1.15, 0.01, 0.98)),
      ]),
    ) as Record<AccessControl, boolean>,
  }));
}

function platformUse(random: SimulationRandom, profile: SectorProfile): Weights<Exclude<AiPlatform, 'none'>> {
  const weights: Record<string, number> = { ...PLATFORM_MARKET };
  for (const [platform, lean] of Object.entries(profile.platformLean ?? {})) weights[platform] = (weights[platform] ?? 0) * (1 + (lean as number));
  const count = 1 + random.below(4);
  const chosen = new Set<Exclude<AiPlatform, 'none'>>();
  while (chosen.size < count) chosen.add(random.pickWeighted(weights) as Exclude<AiPlatform, 'none'>);
  return Object.fromEntries([...chosen].map((platform) => [platform, weights[platform]! * random.logNormal(0, 0.4)]));
}

/** Draws a coalition of `options.organizations` organizations. */
export function createCoalition(random: SimulationRandom, options: CoalitionOptions): Coalition {
  if (!Number.isInteger(options.organizations) || options.organizations < 1) throw new RangeError('createCoalition: organizations must be a positive integer');
  const sectorMix = Object.fromEntries(Object.entries(SECTOR_PROFILES).map(([sector, profile]) => [sector, profile.weight])) as Weights<Sector>;
  const names = new Set<string>();
  const drafts = Array.from({ length: options.organizations }, (_, index) => {
    const sector = random.pickWeighted(sectorMix);
    const profile = SECTOR_PROFILES[sector];
    const sizeBand = random.pickWeighted(profile.largerThanAverage ? LARGER_SIZE_BAND_MIX : SIZE_BAND_MIX);
    const largeness = ORG_SIZE_BANDS.indexOf(sizeBand) / (ORG_SIZE_BANDS.length - 1); // 0 smallest .. 1 largest
    const country = random.pickWeighted(HOME_COUNTRIES);
    const abroad = random.chance(0.15 + 0.5 * largeness) ? random.sampleDistinct(Object.keys(HOME_COUNTRIES).filter((c) => c !== country), 1 + random.below(3)) : [];
    const strictness = clamp(profile.controlStrictness + 0.15 * largeness + 0.12 * random.normal(), 0.05, 1);
    const rigor = clamp(profile.integrityRigor + 0.1 * largeness + 0.12 * random.normal(), 0.02, 0.98);
    let name = `${random.pick(NAME_STEMS)} ${random.pick(SECTOR_NOUNS[sector])}`;
    for (let suffix = 2; names.has(name); suffix += 1) name = `${name.replace(/ \d+$/, '')} ${suffix}`;
    names.add(name);
    return {
      index,
      name,
      sector,
      sizeBand,
      country,
      operatingCountries: [country, ...abroad],
      rawVolume: SIZE_BAND_VOLUME[sizeBand] * random.logNormal(0, VOLUME_SPREAD_SIGMA),
      protocols: protocolHabits(random, profile, strictness),
      aiPlatforms: platformUse(random, profile),
      aiContent: profile.aiContent,
      aiShareAtStart: clamp(profile.aiShare * random.logNormal(0, 0.5), 0.005, 0.8),
      aiShareGrowthPerYear: profile.aiGrowthPerYear * (0.4 + 1.2 * random.uniform()),
      hashVerificationRate: rigor,
      signatureVerificationRate: clamp(rigor * rigor * 0.5, 0.005, 0.6),
      // Derived from the same rigor rather than drawn, so a seed gives the same coalition as before these fields existed.
      attestationShareAtStart: clamp(rigor * rigor * 0.6, 0.01, 0.6),
      custodyRecordRate: clamp(0.05 + 0.45 * rigor, 0.05, 0.5),
      crossOrgRate: clamp(0.55 + 0.2 * random.normal(), 0.1, 0.95),
    };
  });
  const meanVolume = drafts.reduce((sum, draft) => sum + draft.rawVolume, 0) / drafts.length;
  return {
    start: new Date(options.start),
    organizations: drafts.map(({ rawVolume, ...organization }) => ({ ...organization, trafficWeight: rawVolume / meanVolume })),
  };
}
