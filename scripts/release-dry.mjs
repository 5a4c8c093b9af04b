// `pnpm release:dry`: the release as it would happen, on a scratch copy, never the working tree.
// Copies the checkout (tracked and untracked files, plus built dist/), runs `changeset version` there
// (independent versions, internal ranges bumped, CHANGELOG.md per package, private apps untouched),
// packs every published package with pnpm (which rewrites `workspace:` ranges as publish does), runs
// `pnpm -r publish --dry-run`, and fails if a packed manifest keeps `workspace:` or lacks a required field.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { manifestProblems, packedFiles, packedManifest } from '../tooling/package-checks/src/workspace.mjs';

const root = new URL('..', import.meta.url).pathname;
const keep = process.argv.includes('--keep');
const scratch = mkdtempSync(join(tmpdir(), 'zhima-release-'));
const run = (command, args, cwd = scratch) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Every workspace package folder with its manifest, in the given checkout. */
function workspacePackages(base) {
  return ['packages', 'apps', 'tooling']
    .filter((group) => existsSync(join(base, group)))
    .flatMap((group) => readdirSync(join(base, group)).map((name) => join(group, name)))
    .filter((dir) => existsSync(join(base, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(base, dir, 'package.json'), 'utf8')) }));
}

let failed = false;
try {
  // 1. Scratch copy: what git would see (committed or not, ignored files left out), plus the builds.
  const files = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], root).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    cpSync(join(root, file), join(scratch, file));
  }
  const before = workspacePackages(root);
  for (const { dir } of before) if (existsSync(join(root, dir, 'dist'))) cpSync(join(root, dir, 'dist'), join(scratch, dir, 'dist'), { recursive: true });

  // 2. Versions and changelogs from the pending changesets.
  const pending = readdirSync(join(scratch, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md');
  console.log(`changesets pending: ${pending.length} (${pending.join(', ')})`);
  run(process.execPath, [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version']);
  const after = new Map(workspacePackages(scratch).map(({ dir, manifest }) => [dir, manifest]));

  console.log('\nversions:');
  for (const { dir, manifest } of before) {
    const next = after.get(dir);
    const changelog = join(scratch, dir, 'CHANGELOG.md');
    const note = manifest.private ? 'private: never versioned or tagged' : existsSync(changelog) ? 'CHANGELOG.md written' : 'no changeset';
    console.log(`  ${manifest.name.padEnd(24)} ${manifest.version} → ${next?.version}  (${note})`);
    if (manifest.private && (next?.version !== manifest.version || existsSync(changelog))) {
      console.log(`    ✗ a private package was versioned`);
      failed = true;
    }
  }
  for (const { dir, manifest } of before.filter(({ manifest }) => !manifest.private)) {
    const changelog = join(scratch, dir, 'CHANGELOG.md');
    if (existsSync(changelog)) console.log(`\n--- ${manifest.name} CHANGELOG.md ---\n${readFileSync(changelog, 'utf8').trim()}`);
  }

  // 3. The tarballs npm would receive. pnpm resolves `workspace:` ranges from installed links, so the
  //    scratch copy gets its own install, offline from the store the real one filled.
  run('pnpm', ['install', '--offline', '--frozen-lockfile', '--ignore-scripts']);
  const packs = join(scratch, '.packs');
  mkdirSync(packs);
  console.log('\npacked manifests:');
  for (const { dir, manifest } of before.filter(({ manifest }) => !manifest.private)) {
    if (!existsSync(join(scratch, dir, 'dist'))) {
      console.log(`  ✗ ${manifest.name}: not built (run pnpm build first)`);
      failed = true;
      continue;
    }
    const out = run('pnpm', ['pack', '--pack-destination', packs, '--json'], join(scratch, dir));
    const tarball = JSON.parse(out.slice(out.indexOf('{'))).filename;
    const packed = packedManifest({ tarball });
    const problems = manifestProblems({ manifest: packed });
    const internal = Object.entries(packed.dependencies ?? {}).filter(([name]) => name.startsWith('@zhima/'));
    console.log(`  ${problems.length === 0 ? '✓' : '✗'} ${packed.name}@${packed.version}: ${packedFiles({ tarball }).length} files; internal deps ${internal.map(([name, range]) => `${name}@${range}`).join(', ') || 'none'}`);
    for (const problem of problems) console.log(`      ${problem}`);
    failed ||= problems.length > 0;
  }

  // 4. pnpm's own publish dry run over the whole workspace (private packages are skipped by pnpm).
  console.log('\npnpm -r publish --dry-run:');
  try {
    const out = execFileSync('pnpm', ['-r', 'publish', '--dry-run', '--no-git-checks'], { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    console.log(out.split('\n').filter((line) => /📦|Tarball|name:|version:|total files|\+ /.test(line) || /^npm notice (name|version|total files)/.test(line)).map((line) => `  ${line}`).join('\n') || '  (no output)');
  } catch (error) {
    console.log(`  ✗ ${String(/** @type {any} */ (error).stderr || error).trim().split('\n').slice(-5).join('\n    ')}`);
    failed = true;
  }
} finally {
  if (keep) console.log(`\nscratch copy kept at ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
console.log(failed ? '\nrelease:dry FAILED' : '\nrelease:dry ok: nothing was published and the working tree is untouched');
process.exitCode = failed ? 1 : 0;
