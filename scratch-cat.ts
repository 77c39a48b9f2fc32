import { buildDatasetCatalogue } from './src/releases/dataset-catalogue';
import { bundledDatasetSpecs } from './src/releases/dataset-registry';
const specs = bundledDatasetSpecs();
for (let i = 0; i < 5; i++) { const s = performance.now(); buildDatasetCatalogue(specs, { periodBudgetRho: 0.1, kAnonymity: 10, selectionDelta: 1e-6 }); console.log((performance.now() - s).toFixed(1)); }
