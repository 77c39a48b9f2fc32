/**
 * What releases cost in privacy, as the reports state it. Within a period each dataset's release is
 * rho_i-zCDP plus a key-selection failure probability; the ledger records rho_i and
 * delta_i = conversionDelta + selectionDelta_i (src/releases). Everything composes (BS16 Lemma 1.7):
 *   rho   = sum of rho_i                             (exact sum, rounded up: composeZcdp)
 *   delta = conversionDelta + sum of selectionDelta_i
 *   epsilon from rho at conversionDelta              (CKS20 Corollary 13: approxDpEpsilon)
 * over the datasets of one period, and in the same way over the periods an organization took part
 * in. The conversion is the privacy engine's; nothing is re-derived here.
 */
import { approxDpEpsilon, composeZcdp, DEFAULT_CONVERSION_DELTA } from '../privacy';

export interface PrivacyLoss {
  rho: number;
  epsilon: number;
  delta: number;
}

export const NO_LOSS: PrivacyLoss = { rho: 0, epsilon: 0, delta: 0 };

/** The loss of a set of charges (ledger rows), composed. */
export function composedLoss(charges: readonly { rho: number; delta: number }[]): PrivacyLoss {
  if (charges.length === 0) return NO_LOSS;
  const rho = composeZcdp(charges.map((charge) => charge.rho));
  const selectionDelta = charges.reduce((sum, charge) => sum + Math.max(0, charge.delta - DEFAULT_CONVERSION_DELTA), 0);
  return { rho, epsilon: approxDpEpsilon(rho, DEFAULT_CONVERSION_DELTA), delta: DEFAULT_CONVERSION_DELTA + selectionDelta };
}
