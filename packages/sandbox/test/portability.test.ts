// The fetch handler must run on any runtime with WebCrypto and web streams: only src/node/ may touch
// Node built-ins, and the root module reaches it through a dynamic import inside listen().
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
}

describe('portability', () => {
  const portable = sources(SRC).filter((file) => !relative(SRC, file).startsWith('node'));

  it('has portable sources to check', () => {
    expect(portable.map((file) => relative(SRC, file))).toContain('sandbox.ts');
  });

  it.each(portable.map((file) => [relative(SRC, file), file]))('%s imports no Node built-in and uses no Node global', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from '(node:|fs|http|net|stream|crypto|buffer|path|os)['/]/);
    expect(text).not.toMatch(/\b(Buffer|process|require)\s*[.(]/);
  });

  it('loads node:http only through a dynamic import of src/node/', () => {
    const sandbox = readFileSync(join(SRC, 'sandbox.ts'), 'utf8');
    expect(sandbox).toMatch(/await import\('\.\/node\/serve\.js'\)/);
    expect(sandbox).not.toMatch(/^import .*\.\/node\//m);
  });
});
