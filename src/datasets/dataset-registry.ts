/**
 * The dataset specs the service ships, imported as modules (not read from the folder at run time)
 * so they are bundled for Cloudflare Workers, which has no file system. Adding a dataset means
 * adding its JSON file to schemas/datasets/ AND a line here; a test fails if a file in the folder
 * is not registered.
 *
 * Specs are validated when the app is built: a bad spec stops start-up with the file name and the
 * path of every problem (a ConfigError, like a bad environment variable).
 */
import aiArtifactIntegrityMaturity from '../../schemas/datasets/ai-artifact-integrity-maturity.json';
import aiBoundaryGapRates from '../../schemas/datasets/ai-boundary-gap-rates.json';
import aiBoundaryGapsBySector from '../../schemas/datasets/ai-boundary-gaps-by-sector.json';
import aiPlatformAccessControls from '../../schemas/datasets/ai-platform-access-controls.json';
import aiTransferVolume from '../../schemas/datasets/ai-transfer-volume.json';
import trainingIntegrityVerification from '../../schemas/datasets/training-integrity-verification.json';
import { ConfigError } from '../config';
import { type DatasetSpec, datasetSpecSchema } from './dataset-spec';

/** File name (under schemas/datasets/) -> parsed JSON, in catalogue order. */
export const REGISTERED_DATASET_FILES: Readonly<Record<string, unknown>> = {
  'ai-transfer-volume.json': aiTransferVolume,
  'ai-platform-access-controls.json': aiPlatformAccessControls,
  'training-integrity-verification.json': trainingIntegrityVerification,
  'ai-boundary-gaps-by-sector.json': aiBoundaryGapsBySector,
  'ai-artifact-integrity-maturity.json': aiArtifactIntegrityMaturity,
  'ai-boundary-gap-rates.json': aiBoundaryGapRates,
};

/** Shares may add up to 1 exactly; this absorbs decimal rounding such as 0.1 + 0.2. */
const SHARE_TOLERANCE = 1e-9;

/** Validates every spec and the catalogue as a whole; throws ConfigError listing every problem. */
export function loadDatasetSpecs(files: Readonly<Record<string, unknown>> = REGISTERED_DATASET_FILES): DatasetSpec[] {
  const problems: string[] = [];
  const specs: DatasetSpec[] = [];
  for (const [file, content] of Object.entries(files)) {
    const parsed = datasetSpecSchema.safeParse(content);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`schemas/datasets/${file}: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
      }
      continue;
    }
    if (file !== `${parsed.data.id}.json`) problems.push(`schemas/datasets/${file}: the file must be named ${parsed.data.id}.json`);
    specs.push(parsed.data);
  }
  const ids = specs.map((spec) => spec.id);
  for (const id of new Set(ids)) {
    if (ids.filter((other) => other === id).length > 1) problems.push(`dataset id "${id}" is declared more than once`);
  }
  const totalShare = specs.reduce((sum, spec) => sum + spec.budgetShare, 0);
  if (totalShare > 1 + SHARE_TOLERANCE) {
    problems.push(`budgetShare values add up to ${totalShare}; a period's budget can be shared out at most once (sum <= 1)`);
  }
  if (files && Object.keys(files).length === 0) problems.push('no dataset specs are registered');
  if (problems.length > 0) throw new ConfigError(`invalid dataset specs: ${problems.join('; ')}`);
  return specs;
}

let bundled: DatasetSpec[] | undefined;

/** The shipped specs, validated once per process (they are constants of the build). */
export function bundledDatasetSpecs(): DatasetSpec[] {
  bundled ??= loadDatasetSpecs();
  return bundled;
}
