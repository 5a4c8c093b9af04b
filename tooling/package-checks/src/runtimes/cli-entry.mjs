// Entry for runtimes with a command line (Node, Bun, Deno): reads the input JSON file named by the
// first argument, prints the results as one JSON line.
import { readFile } from 'node:fs/promises';
import { runChecks } from './checks.mjs';

const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
const input = JSON.parse(await readFile(args[0], 'utf8'));
console.log(JSON.stringify(await runChecks(input)));
