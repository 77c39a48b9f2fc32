/**
 * Realistic synthetic transfer events for benchmarks and simulations. Each organization has a
 * profile (the protocols it uses, the controls its policy applies per protocol, the AI platforms
 * and content it handles, where it operates), so its events repeat a modest number of cells the
 * way real telemetry does. Every event carries identifier fields so the service pays the full cost
 * of dropping them.
 */
import { randomUUID } from 'node:crypto';
import { ACCESS_CONTROLS, AI_PLATFORMS, CONTENT_CLASSES, DIRECTIONS, OUTCOMES, PROTOCOLS } from '../../src/datasets/vocabulary';

const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'JP', 'BR', 'IN', 'AU', 'NL', 'SE'];

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)] as T;
}

function sample<T>(values: readonly T[], count: number, random: () => number): T[] {
  return [...values].sort(() => random() - 0.5).slice(0, count);
}

export interface OrganizationProfile {
  protocols: string[];
  controlsByProtocol: Map<string, Record<string, boolean>>;
  platforms: string[];
  contentClasses: string[];
  countries: string[];
}

export function organizationProfile(random: () => number): OrganizationProfile {
  const protocols = sample(PROTOCOLS, 3, random);
  return {
    protocols,
    controlsByProtocol: new Map(
      protocols.map((protocol) => [protocol, Object.fromEntries(ACCESS_CONTROLS.map((control) => [control, random() < 0.5]))]),
    ),
    platforms: [...sample(AI_PLATFORMS, 2, random), 'none'],
    contentClasses: sample(CONTENT_CLASSES, 4, random),
    countries: sample(COUNTRIES, 2, random),
  };
}

export function syntheticEvent(random: () => number, occurredAt: string, profile?: OrganizationProfile): Record<string, unknown> {
  const organization = profile ?? organizationProfile(random);
  const protocol = pick(organization.protocols, random);
  return {
    eventId: randomUUID(),
    occurredAt,
    transfer: {
      protocol,
      direction: pick(DIRECTIONS, random),
      crossOrg: random() < 0.5,
      sizeBytes: Math.floor(10 ** (3 + random() * 7)),
      outcome: random() < 0.9 ? 'delivered' : pick(OUTCOMES, random),
      fileName: `report-${Math.floor(random() * 1e6)}.pdf`,
      fileSha256: 'ab'.repeat(32),
      partnerDomain: `partner${Math.floor(random() * 100)}.example`,
    },
    content: { classification: pick(organization.contentClasses, random), aiPlatform: pick(organization.platforms, random) },
    controls: organization.controlsByProtocol.get(protocol),
    integrity: { hashVerified: random() < 0.5, signatureVerified: random() < 0.2 },
    actor: {
      userId: `user-${Math.floor(random() * 1e5)}`,
      email: `user${Math.floor(random() * 1e5)}@customer.example`,
      ip: `198.51.100.${Math.floor(random() * 255)}`,
      userAgent: 'TransferAgent/5.2 (Linux)',
      hostname: `host-${Math.floor(random() * 500)}.customer.example`,
    },
    geo: { country: pick(organization.countries, random) },
  };
}
