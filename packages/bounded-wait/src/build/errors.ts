export type BuildStep = 'azle build' | 'wasm rewrite' | 'candid' | 'metadata' | 'bindings' | 'stamp';

/** A build failure that names the canister and the step, with the underlying cause. */
export class BuildError extends Error {
    constructor(
        readonly canister: string,
        readonly step: BuildStep,
        cause: unknown
    ) {
        super(`${canister}: ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
            cause
        });
        this.name = 'BuildError';
    }
}

export async function step<T>(canister: string, name: BuildStep, run: () => Promise<T> | T): Promise<T> {
    try {
        return await run();
    } catch (e) {
        throw new BuildError(canister, name, e);
    }
}

/** A mistake in what was asked for (an unknown canister, a missing dfx.json): the CLI answers it with exit code 2. */
export class BuildUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'BuildUsageError';
    }
}
