/**
 * How a coalition's membership changes over a simulated span: most organizations consent at the
 * start, the rest join over time, a few never do, a few revoke later, and one asks for its
 * unreleased data to be erased. Times are fractions of the span in [0, 1), so the same timeline
 * serves a demo that moves a simulated clock over several quarters and a load check that compresses
 * everything into minutes of a live service.
 */
import type { SimulationRandom } from './simulation-random';

export interface CoalitionTimeline {
  /** When each organization (by index) grants consent, as a fraction of the span; undefined: never. */
  consentAt: readonly (number | undefined)[];
  /** Organizations that revoke consent later (their instances keep sending for a while, and are refused). */
  revocations: readonly { organization: number; at: number }[];
  /** One organization that asks for erasure of its unreleased contributions and stays a member. */
  erasure: { organization: number; at: number } | undefined;
}

export interface TimelineOptions {
  /** Share consenting at the very start (default 0.6). */
  foundingShare?: number;
  /** Share registered but never consenting (default 0.05). */
  neverShare?: number;
  /** Organizations that revoke (default 2% of them, at least 1 when there are 3 or more). */
  revocations?: number;
  /** Late joiners join before this fraction of the span (default 0.7). */
  joinBefore?: number;
}

export function planCoalitionTimeline(random: SimulationRandom, organizationCount: number, options: TimelineOptions = {}): CoalitionTimeline {
  const foundingShare = options.foundingShare ?? 0.6;
  const neverShare = options.neverShare ?? 0.05;
  const joinBefore = options.joinBefore ?? 0.7;
  const consentAt = Array.from({ length: organizationCount }, (): number | undefined => {
    const draw = random.uniform();
    if (draw < foundingShare) return 0;
    if (draw < foundingShare + neverShare) return undefined;
    return random.uniform() * joinBefore;
  });
  const members = consentAt.flatMap((at, organization) => (at === undefined ? [] : [{ organization, at }]));
  const revocationCount = Math.min(
    Math.max(0, members.length - 1),
    options.revocations ?? (organizationCount >= 3 ? Math.max(1, Math.round(organizationCount * 0.02)) : 0),
  );
  const shuffled = random.sampleDistinct(members, members.length);
  const revocations = shuffled.slice(0, revocationCount).map(({ organization, at }) => ({
    organization,
    // Revocations come in the second half, always after the organization joined.
    at: Math.max(at, 0.5) + (1 - Math.max(at, 0.5)) * (0.1 + 0.8 * random.uniform()),
  }));
  const eraser = shuffled[revocationCount];
  const erasure = eraser ? { organization: eraser.organization, at: Math.max(eraser.at, 0.3) + (0.9 - Math.max(eraser.at, 0.3)) * random.uniform() } : undefined;
  return { consentAt, revocations: revocations.sort((a, b) => a.at - b.at), erasure };
}
