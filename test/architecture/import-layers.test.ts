/**
 * Imports point down (STYLE.md practice 14). Every file under src/ belongs to one module, and the
 * modules are stacked in layers: a file may import its own module and any module in a lower layer,
 * never one above it, and never a sibling in the same layer (the API routes and the consoles are
 * mounted side by side by app.ts; neither knows the other). Only relative imports are checked:
 * packages are not part of the layering.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Lowest layer first. A module is a folder under src/ (or a single file such as `deps.ts`);
 * `http/routes` is its own module above the HTTP core (app-env, problem, middleware, responses).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'text'],
  ['privacy', 'periods'],
  ['config'],
  ['auth', 'db', 'secrets'],
  ['datasets'],
  ['deps'],
  ['logging'],
  ['audit'],
  ['registry'],
  ['consent'],
  ['ingest'],
  ['releases', 'simulation'],
  ['reports'],
  ['http'],
  ['http/routes', 'console'],
  ['app'],
  ['node', 'workers', 'sdk'],
  // Plays a simulated coalition against a running service through the SDK, as product instances would.
  ['coalition-driver'],
];

const LAYER_OF = new Map(LAYERS.flatMap((modules, layer) => modules.map((module) => [module, layer] as const)));

/** `src/http/routes/admin/x.ts` -> `http/routes`; `src/deps.ts` -> `deps`; undefined outside src/. */
function moduleOf(file: string): string | undefined {
  const parts = normalize(file).split('/');
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  if (parts.length === 2) return parts[1]!.replace(/\.tsx?$/, '');
  if (parts[1] === 'http' && parts[2] === 'routes' && parts.length > 3) return 'http/routes';
  return parts[1];
}

interface SourceFile {
  /** Path from the repository root, e.g. `src/consent/consent-service.ts`. */
  path: string;
  text: string;
}

/** Relative specifiers of every import, `import type`, re-export and dynamic import in a file. */
function relativeImports(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'));
}

function findViolations(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const from = moduleOf(file.path);
    const fromLayer = from === undefined ? undefined : LAYER_OF.get(from);
    if (from === undefined || fromLayer === undefined) {
      violations.push(`${file.path}: module "${from}" has no layer; add it to LAYERS in test/architecture/import-layers.test.ts`);
      continue;
    }
    for (const specifier of relativeImports(file.text)) {
      const target = normalize(join(dirname(file.path), specifier));
      const to = moduleOf(target);
      if (to === undefined || to === from) continue;
      const toLayer = LAYER_OF.get(to);
      if (toLayer === undefined) {
        violations.push(`${file.path} imports '${specifier}': module "${to}" has no layer`);
      } else if (toLayer > fromLayer) {
        violations.push(`${file.path} imports '${specifier}': ${from} may not import ${to}, which is above it`);
      } else if (toLayer === fromLayer) {
        violations.push(`${file.path} imports '${specifier}': ${from} and ${to} are siblings and may not import each other`);
      }
    }
  }
  return violations;
}

function sourceFiles(root: string, folder = 'src'): SourceFile[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(root, path);
    return /\.tsx?$/.test(entry.name) ? [{ path, text: readFileSync(join(root, path), 'utf8') }] : [];
  });
}

const repositoryRoot = relative(process.cwd(), join(import.meta.dirname, '..', '..')) || '.';

describe('import layers', () => {
  it('every import under src/ points to the same module or a lower layer', () => {
    const files = sourceFiles(repositoryRoot);
    expect(files.length).toBeGreaterThan(100);
    expect(findViolations(files)).toEqual([]);
  });

  it('reports an upward import, a sibling import and an unlisted module (self-check)', () => {
    const violations = findViolations([
      { path: 'src/db/database.ts', text: "import type { App } from '../http/app-env';\n" },
      { path: 'src/console/privacy/page.tsx', text: "export { csv } from '../../http/routes/reports/csv';\n" },
      { path: 'src/periods/period.ts', text: "// import { x } from '../app'; a comment is not an import\nexport const DAY = 1;\n" },
      { path: 'src/ingest/ingest-batch.ts', text: "import { a } from './period';\nimport { b } from '../consent/consent-coverage';\n" },
      { path: 'src/gadgets/gadget.ts', text: "import { AppError } from '../errors';\n" },
    ]);
    expect(violations).toEqual([
      "src/db/database.ts imports '../http/app-env': db may not import http, which is above it",
      "src/console/privacy/page.tsx imports '../../http/routes/reports/csv': console and http/routes are siblings and may not import each other",
      'src/gadgets/gadget.ts: module "gadgets" has no layer; add it to LAYERS in test/architecture/import-layers.test.ts',
    ]);
  });
});
