import { createHash } from 'node:crypto';

import { EmulatorError } from '../errors';
import { Metadata, readMetadata } from '../wasm/custom_sections';
import { instrument } from '../wasm/instrument';

/** A canister module, instrumented and compiled once, shared by every canister that installs it. */
export interface CompiledModule {
    readonly hash: string;
    readonly module: WebAssembly.Module;
    readonly imports: readonly WebAssembly.ModuleImportDescriptor[];
    readonly exports: ReadonlySet<string>;
    readonly mutableGlobals: readonly string[];
    readonly table: string | undefined;
    /** Export name of the linear memory, or undefined for a module without one. */
    readonly memory: string | undefined;
    /** Export name of the start function, run after instantiation; undefined if there is none. */
    readonly start: string | undefined;
    /** Canister metadata (`icp:public` / `icp:private` custom sections), kept as installed. */
    readonly metadata: ReadonlyMap<string, Metadata>;
}

const cache = new Map<string, CompiledModule>();

/** Instruments and compiles a wasm module (already decompressed: see management/wasm_module.ts). */
export function compileModule(wasm: Uint8Array): CompiledModule {
    const hash = createHash('sha256').update(wasm).digest('hex');
    const cached = cache.get(hash);
    if (cached !== undefined) return cached;
    let compiled: CompiledModule;
    try {
        const instrumented = instrument(wasm);
        const module = new WebAssembly.Module(new Uint8Array(instrumented.wasm));
        compiled = {
            hash,
            module,
            imports: WebAssembly.Module.imports(module),
            exports: new Set(WebAssembly.Module.exports(module).map((e) => e.name)),
            mutableGlobals: instrumented.mutableGlobals,
            table: instrumented.table,
            memory: instrumented.memory,
            start: instrumented.start,
            metadata: readMetadata(wasm)
        };
    } catch (e) {
        throw new EmulatorError(`invalid wasm module: ${(e as Error).message}`);
    }
    cache.set(hash, compiled);
    return compiled;
}
