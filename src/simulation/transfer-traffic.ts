/**
 * Transfer events of a simulated organization, as its product instance would send them: the wire
 * format of POST /v1/telemetry/batches with every identifier field filled (file names, hashes,
 * partner domains, users, addresses), so the service does the full work of dropping them.
 *
 * What an event says follows the organization's habits (coalition.ts): its protocols and the
 * controls its policy applies to each, its platforms, its AI content. The share of AI content grows
 * with time (`aiContentShare`), and the market's platform shares drift too (newer vendors and
 * self-hosted models gain), so successive periods differ the way real ones do. Integrity evidence
 * follows the organization's rigor: checksums are common, signatures rarer, and a growing share of
 * the signed transfers carries a provenance attestation whose format suits the artifact.
 */
import type { z } from 'zod';
import type { transferEventSchemaV2 } from '../ingest/event-schema';
import type { AiPlatform, ArtifactClass, AttestationKind, ContentClass, Direction, IntegrityEvidence, Outcome } from '../datasets/vocabulary';
import type { AiContentClass, Coalition, SimulatedOrganization } from './coalition';
import type { SimulationRandom } from './simulation-random';

/** One event on the wire (contract version 2), identifier fields included. */
export type SimulatedTransferEvent = z.input<typeof transferEventSchemaV2>;

const YEAR_MS = 365.25 * 86_400_000;
/** Transfers whose content the product could not classify. */
const UNKNOWN_CONTENT_SHARE = 0.03;
const MAX_AI_SHARE = 0.9;

/** Relative change per year of each platform's weight: newer vendors and self-hosted models gain on the incumbents. */
const PLATFORM_TREND_PER_YEAR: Readonly<Partial<Record<AiPlatform, number>>> = {
  anthropic: 0.45, mistral: 0.3, self_hosted: 0.3, huggingface: 0.15, aws_bedrock: 0.1, openai: -0.1, other: -0.1,
};

/** log10 of the file size in bytes: mean and spread per content class (model artifacts are large, code is small). */
const SIZE_LOG10: Readonly<Record<ContentClass, { mean: number; sd: number }>> = {
  ai_generated_document: { mean: 5.5, sd: 0.6 },
  ai_generated_code: { mean: 4.3, sd: 0.7 },
  training_dataset: { mean: 8.2, sd: 1 },
  model_artifact: { mean: 9.2, sd: 0.7 },
  inference_output: { mean: 4.8, sd: 0.8 },
  non_ai: { mean: 6, sd: 1.2 },
  unknown: { mean: 6, sd: 1.4 },
};
const DIRECTION_MIX: Readonly<Record<Direction, number>> = { inbound: 35, outbound: 40, internal: 25 };
const FILE_EXTENSIONS: Readonly<Record<ContentClass, readonly string[]>> = {
  ai_generated_document: ['docx', 'pdf', 'md'],
  ai_generated_code: ['py', 'ts', 'zip'],
  training_dataset: ['parquet', 'jsonl', 'csv'],
  model_artifact: ['safetensors', 'gguf', 'onnx'],
  inference_output: ['json', 'txt', 'csv'],
  non_ai: ['pdf', 'xlsx', 'zip', 'edi'],
  unknown: ['bin', 'dat'],
};
/** The artifact class (contract version 2) a product reports for each content class. */
const ARTIFACT_CLASS_OF: Readonly<Record<ContentClass, ArtifactClass>> = {
  model_artifact: 'model_weights',
  training_dataset: 'dataset',
  ai_generated_code: 'code',
  ai_generated_document: 'ai_generated_document',
  inference_output: 'other',
  non_ai: 'other',
  unknown: 'other',
};
/**
 * Which attestation format goes with which artifact: model signing (OMS) for weights, SLSA build
 * provenance for code, in-toto statements for datasets; `undefined` is an attestation whose kind
 * the product did not report.
 */
const ATTESTATION_MIX: Readonly<Record<ArtifactClass, Readonly<Partial<Record<AttestationKind | 'unreported', number>>>>> = {
  model_weights: { oms: 5, in_toto: 3, slsa: 1, unreported: 1 },
  code: { slsa: 6, in_toto: 3, unreported: 1 },
  dataset: { in_toto: 6, slsa: 2, unreported: 2 },
  ai_generated_document: { in_toto: 5, unreported: 5 },
  other: { in_toto: 4, slsa: 2, unreported: 4 },
};
/** Attestation tooling spreads: the share of signed transfers that carry an attestation grows by this factor a year (capped). */
const ATTESTATION_GROWTH_PER_YEAR = 0.35;
const MAX_ATTESTATION_SHARE = 0.85;
const USER_AGENTS = ['TransferAgent/5.2 (Linux)', 'TransferAgent/5.1 (Windows)', 'Mozilla/5.0 (Macintosh)', 'curl/8.5.0'];

const years = (from: Date, to: Date) => (to.getTime() - from.getTime()) / YEAR_MS;

/** The share of an organization's transfers that carry AI content at a time (grows linearly from the coalition's start, capped). */
export function aiContentShare(coalition: Coalition, organization: SimulatedOrganization, at: Date): number {
  const share = organization.aiShareAtStart + organization.aiShareGrowthPerYear * years(coalition.start, at);
  return Math.min(MAX_AI_SHARE, Math.max(0, share));
}

/** How many events an organization sends in a window whose coalition-wide mean is `meanPerOrganization` (Poisson around its weight). */
export function drawEventCount(random: SimulationRandom, organization: SimulatedOrganization, meanPerOrganization: number): number {
  return random.poisson(meanPerOrganization * organization.trafficWeight);
}

function platformAt(random: SimulationRandom, coalition: Coalition, organization: SimulatedOrganization, at: Date): AiPlatform {
  const elapsed = years(coalition.start, at);
  const weights: Partial<Record<AiPlatform, number>> = {};
  for (const [platform, weight] of Object.entries(organization.aiPlatforms) as [AiPlatform, number][]) {
    weights[platform] = weight * Math.exp((PLATFORM_TREND_PER_YEAR[platform] ?? 0) * elapsed);
  }
  return random.pickWeighted(weights);
}

function outcomeOf(random: SimulationRandom, aiContent: boolean, crossOrg: boolean, dlpScan: boolean): Outcome {
  // Data-loss rules block AI content leaving the organization more often when a DLP scan looks at it.
  const blocked = 0.015 + (aiContent && crossOrg ? (dlpScan ? 0.06 : 0.01) : 0);
  const draw = random.uniform();
  if (draw < blocked) return 'blocked_policy';
  if (draw < blocked + 0.035) return 'failed';
  if (draw < blocked + 0.045) return 'quarantined';
  return 'delivered';
}

/** One event at `occurredAt`. */
export function generateTransferEvent(
  random: SimulationRandom,
  coalition: Coalition,
  organization: SimulatedOrganization,
  occurredAt: Date,
): SimulatedTransferEvent {
  const habit = random.pickWeighted(Object.fromEntries(organization.protocols.map((habit, index) => [String(index), habit.weight])));
  const { protocol, controls } = organization.protocols[Number(habit)]!;
  const draw = random.uniform();
  const aiShare = aiContentShare(coalition, organization, occurredAt);
  const classification: ContentClass =
    draw < aiShare ? random.pickWeighted<AiContentClass>(organization.aiContent) : draw < aiShare + UNKNOWN_CONTENT_SHARE ? 'unknown' : 'non_ai';
  const isAi = classification !== 'non_ai' && classification !== 'unknown';
  // Non-AI transfers sometimes still go to or from an AI service (an upload for summarizing, say).
  const aiPlatform = isAi || random.chance(0.05) ? platformAt(random, coalition, organization, occurredAt) : 'none';
  const direction = random.pickWeighted(DIRECTION_MIX);
  const crossOrg = direction !== 'internal' && random.chance(organization.crossOrgRate);
  const size = SIZE_LOG10[classification];
  const sizeBytes = Math.max(0, Math.round(10 ** (size.mean + size.sd * random.normal())));
  const integrityMatters = classification === 'training_dataset' || classification === 'model_artifact';
  const hashVerified = random.chance(Math.min(0.99, organization.hashVerificationRate * (integrityMatters ? 1.3 : 1)));
  const signatureVerified = random.chance(Math.min(0.95, organization.signatureVerificationRate * (integrityMatters ? 2 : 1)));
  const artifactClass = ARTIFACT_CLASS_OF[classification];
  const attestationShare = Math.min(
    MAX_ATTESTATION_SHARE,
    organization.attestationShareAtStart * (1 + ATTESTATION_GROWTH_PER_YEAR * Math.max(0, years(coalition.start, occurredAt))),
  );
  const evidence: IntegrityEvidence = signatureVerified
    ? random.chance(attestationShare) ? 'provenance_attestation_verified' : 'signature_verified'
    : hashVerified ? 'checksum_verified' : 'none';
  const attestationKind = evidence === 'provenance_attestation_verified' ? random.pickWeighted(ATTESTATION_MIX[artifactClass]) : undefined;
  // Custody records are kept mostly where the artifact matters and where it leaves the organization.
  const chainOfCustodyRecorded = random.chance(Math.min(0.95, organization.custodyRecordRate * (integrityMatters ? 1.5 : 1) * (crossOrg ? 1.3 : 1)));
  const countries = organization.operatingCountries;
  const country = countries.length > 1 && random.chance(0.2) ? random.pick(countries.slice(1)) : countries[0]!;
  const user = random.below(50 + Math.round(500 * organization.trafficWeight));
  return {
    eventId: random.uuid(),
    occurredAt: occurredAt.toISOString(),
    transfer: {
      protocol,
      direction,
      crossOrg,
      sizeBytes,
      outcome: outcomeOf(random, isAi, crossOrg, controls.dlpScan),
      fileName: `${classification.replace(/_/g, '-')}-${random.hex(3)}.${random.pick(FILE_EXTENSIONS[classification])}`,
      fileSha256: random.hex(32),
      partnerDomain: crossOrg ? `partner-${random.below(400)}.example` : `org-${organization.index}.example`,
    },
    content: { classification, aiPlatform, artifactClass },
    controls: { ...controls },
    integrity: {
      evidence,
      ...(attestationKind && attestationKind !== 'unreported' ? { attestationKind } : {}),
      chainOfCustodyRecorded,
    },
    actor: {
      userId: `u-${organization.index}-${user}`,
      email: `user${user}@org-${organization.index}.example`,
      ip: `198.51.100.${random.below(256)}`,
      userAgent: random.pick(USER_AGENTS),
      hostname: `host-${random.below(200)}.org-${organization.index}.example`,
    },
    geo: { country },
  };
}

export interface TrafficWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  count: number;
}

/** `count` events at uniformly random times in [from, to), in time order (as an instance would send them). */
export function generateTransferEvents(
  random: SimulationRandom,
  coalition: Coalition,
  organization: SimulatedOrganization,
  window: TrafficWindow,
): SimulatedTransferEvent[] {
  const start = window.from.getTime();
  const span = window.to.getTime() - start;
  if (!(span > 0)) throw new RangeError('generateTransferEvents: the window must end after it starts');
  const times = Array.from({ length: window.count }, () => start + Math.floor(random.uniform() * span)).sort((a, b) => a - b);
  return times.map((time) => generateTransferEvent(random, coalition, organization, new Date(time)));
}
