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
    /** Export names of the instruction counter globals; undefined when compiled without metering. */
    readonly metering: { readonly counter: string; readonly outOfInstructions: string } | undefined;
    /** Where the canister's heap starts in the memory, after the write barrier's map (wasm/inject.ts). */
    readonly heapOffset: number | undefined;
    /** Canister metadata (`icp:public` / `icp:private` custom sections), kept as installed. */
    readonly metadata: ReadonlyMap<string, Metadata>;
}

const cache = new Map<string, CompiledModule>();

/** How a module is instrumented: both on, except for a benchmark's baseline. */
export interface Instrumentation {
    /** Instruction metering (wasm/inject.ts). */
    readonly metering: boolean;
    /** The write barrier that lets a rollback copy only the pages a message wrote; without it the whole heap is copied. */
    readonly pageRollback: boolean;
}

const FULL: Instrumentation = { metering: true, pageRollback: true };

/** Instruments and compiles a wasm module (already decompressed: see management/wasm_module.ts). */
export function compileModule(wasm: Uint8Array, how: Instrumentation = FULL): CompiledModule {
    const hash = createHash('sha256').update(wasm).digest('hex');
    const key = `${hash}:${how.metering}:${how.pageRollback}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    let compiled: CompiledModule;
    try {
        const instrumented = instrument(wasm, { metering: how.metering, dirtyPages: how.pageRollback });
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
            metering: instrumented.metering,
            heapOffset: instrumented.heapOffset,
            metadata: readMetadata(wasm)
        };
    } catch (e) {
        throw new EmulatorError(`invalid wasm module: ${(e as Error).message}`);
    }
    cache.set(key, compiled);
    return compiled;
}
