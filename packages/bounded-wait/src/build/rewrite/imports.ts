import binaryen from 'binaryen';

import { Signature, SYSTEM_API, ValType } from '@response-models/system-api';

/** Thrown when a module does not have the shape the rewrite expects. */
export class RewriteError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'RewriteError';
    }
}

export interface FunctionImport {
    /** binaryen's internal name: every call site refers to the function by it. */
    readonly internalName: string;
    readonly module: string;
    readonly base: string;
}

export function functionImports(module: binaryen.Module): FunctionImport[] {
    const found: FunctionImport[] = [];
    for (let i = 0; i < module.getNumFunctions(); i++) {
        const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
        if (info.module !== null && info.module !== '') {
            found.push({ internalName: info.name, module: info.module, base: info.base ?? '' });
        }
    }
    return found;
}

export function findIc0Import(module: binaryen.Module, base: string): FunctionImport | undefined {
    return functionImports(module).find((i) => i.module === 'ic0' && i.base === base);
}

export function requireIc0Import(module: binaryen.Module, base: string): FunctionImport {
    const found = findIc0Import(module, base);
    if (found === undefined) {
        throw new RewriteError(
            `the module does not import ic0.${base}; the Azle template changed shape, so the rewrite cannot apply`
        );
    }
    return found;
}

function binaryenType(types: readonly ValType[]): binaryen.Type {
    return binaryen.createType(types.map((t) => (t === 'i32' ? binaryen.i32 : binaryen.i64)));
}

export function ic0Signature(base: string): { params: binaryen.Type; results: binaryen.Type } {
    const s: Signature | undefined = SYSTEM_API[base];
    if (s === undefined) throw new RewriteError(`ic0.${base} is not a System API function`);
    return { params: binaryenType(s.params), results: binaryenType(s.results) };
}

/** The internal name under which `ic0.<base>` is callable, importing it if the module does not yet. */
export function ensureIc0Import(module: binaryen.Module, base: string): string {
    const existing = findIc0Import(module, base);
    if (existing !== undefined) return existing.internalName;
    const name = `ic0.${base}`;
    const { params, results } = ic0Signature(base);
    module.addFunctionImport(name, 'ic0', base, params, results);
    return name;
}

/**
 * Puts a wrapper in front of an imported function: every existing call site (they refer to
 * the import by its internal name) now reaches `wrapper`, which may call the real import under
 * the returned name.
 */
export function interpose(
    module: binaryen.Module,
    base: string,
    build: (realImport: string) => { vars: binaryen.Type[]; body: binaryen.ExpressionRef }
): void {
    const target = requireIc0Import(module, base);
    const { params, results } = ic0Signature(base);
    const realName = `${target.internalName}$real`;
    module.removeFunction(target.internalName);
    module.addFunctionImport(realName, 'ic0', base, params, results);
    const { vars, body } = build(realName);
    module.addFunction(target.internalName, params, results, vars, body);
}

/** Replaces an import with a function defined in the module (the import disappears). */
export function implementInModule(
    module: binaryen.Module,
    base: string,
    build: () => { vars: binaryen.Type[]; body: binaryen.ExpressionRef }
): void {
    const target = requireIc0Import(module, base);
    const { params, results } = ic0Signature(base);
    module.removeFunction(target.internalName);
    const { vars, body } = build();
    module.addFunction(target.internalName, params, results, vars, body);
}
