/**
 * Compiles a Motoko actor to a canister module with moc.js (the npm `motoko` package), offline:
 * `node compile_motoko.cjs <out.wasm>` with the source on stdin. Run as a process of its own:
 * the compiler installs a process-wide uncaughtException handler. 32-bit output (the `classicOP`
 * garbage collector): Node 20 runs no 64-bit memories.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const mo = require('motoko');

mo.loadPackage(require('motoko/packages/latest/core.json'));
mo.compiler.gcFlags('classicOP');
mo.write('Main.mo', readFileSync(0, 'utf8'));
try {
    const { wasm } = mo.wasm('Main.mo', 'ic');
    writeFileSync(process.argv[2], wasm);
} catch (e) {
    process.stderr.write(`${String(e).slice(0, 2_000)}\n`);
    process.exit(1);
}
