// `pnpm docs:coverage`: which exports of the published entry points lack TSDoc or an `@example`
// (house rule: every exported symbol has both). Reads typedoc's JSON model of typedoc.config.mjs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), 'zhima-docs-'));
const modelFile = join(folder, 'api.json');
try {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--json', modelFile, '--out', join(folder, 'html'), '--logLevel', 'Error'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const model = JSON.parse(readFileSync(modelFile, 'utf8'));
  /** The comment of a reflection, or of its first signature (functions keep it there). */
  const commentOf = (reflection) => reflection.comment ?? reflection.signatures?.[0]?.comment ?? reflection.getSignature?.comment;
  // A symbol two entry points export is declared in one; the other holds a reference to it, documented there.
  const byId = new Map();
  const index = (reflection) => {
    byId.set(reflection.id, reflection);
    for (const child of reflection.children ?? []) index(child);
  };
  index(model);
  const declarationOf = (reflection) => (typeof reflection.target === 'number' && byId.has(reflection.target) ? byId.get(reflection.target) : reflection);
  const rows = [];
  for (const entry of model.children ?? []) {
    for (const exported of entry.children ?? []) {
      const comment = commentOf(declarationOf(exported));
      const hasSummary = (comment?.summary ?? []).some((part) => part.text.trim() !== '');
      const hasExample = (comment?.blockTags ?? []).some((tag) => tag.tag === '@example');
      if (!hasSummary || !hasExample) rows.push(`${entry.name}: ${exported.name} — ${[hasSummary ? '' : 'no TSDoc', hasExample ? '' : 'no @example'].filter(Boolean).join(', ')}`);
    }
  }
  const total = (model.children ?? []).reduce((sum, entry) => sum + (entry.children?.length ?? 0), 0);
  console.log(`${total} exports, ${rows.length} without TSDoc or @example${rows.length > 0 ? ':' : ''}`);
  for (const row of rows) console.log(`  ${row}`);
  process.exitCode = rows.length > 0 && process.argv.includes('--strict') ? 1 : 0;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
