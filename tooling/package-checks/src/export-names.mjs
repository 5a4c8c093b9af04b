// What an entry point exports, read three ways: the ESM namespace and the CommonJS exports as Node
// loads them (in a child process, outside any test transform), and the declared names TypeScript sees.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';

const packageDir = new URL('../', import.meta.url).pathname;

/**
 * Sorted runtime export names of an entry, loaded by Node as ESM (`import`) or CJS (`require`).
 * @param {{ specifier: string, format: 'esm' | 'cjs', cwd?: string }} options
 * @returns {string[]}
 */
export function runtimeExportNames({ specifier, format, cwd = packageDir }) {
  const script =
    format === 'esm'
      ? `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`
      : `const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  const out = execFileSync(process.execPath, [`--input-type=${format === 'esm' ? 'module' : 'commonjs'}`, '-e', script], { cwd, encoding: 'utf8' });
  return JSON.parse(out);
}

/**
 * Sorted names an entry declares to TypeScript (values and types), resolved as a bundler does.
 * @param {{ specifier: string, cwd?: string }} options
 * @returns {string[]}
 */
export function declaredExportNames({ specifier, cwd = packageDir }) {
  const fileName = join(cwd, '__export_names__.ts');
  const source = `import * as entry from ${JSON.stringify(specifier)};\nexport { entry };\n`;
  const options = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (name === fileName ? ts.createSourceFile(name, source, version) : getSourceFile(name, version));
  const program = ts.createProgram([fileName], options, host);
  const checker = program.getTypeChecker();
  const file = /** @type {ts.SourceFile} */ (program.getSourceFile(fileName));
  const declaration = /** @type {ts.ImportDeclaration} */ (file.statements[0]);
  const symbol = checker.getSymbolAtLocation(declaration.moduleSpecifier);
  if (symbol === undefined) throw new Error(`TypeScript could not resolve ${specifier}`);
  return checker.getExportsOfModule(symbol).map((exported) => exported.name).sort();
}
