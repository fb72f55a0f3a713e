/**
 * The served emulator's control endpoint (packages/emulator/src/http/control.ts), as the harness uses it:
 * read the network's time and move it ahead. Other networks have no such endpoint; there time
 * passes for real.
 */
export class ControlledClock {
    private constructor(private readonly url: string) {}

    /** The clock of the network at `url` if it can be moved (the served emulator), else undefined. */
    static async detect(url: string): Promise<ControlledClock | undefined> {
        try {
            const res = await fetch(new URL('/_/time', url));
            if (!res.ok) return undefined;
            const body = (await res.json()) as { time_ns?: unknown };
            return typeof body.time_ns === 'string' ? new ControlledClock(url) : undefined;
        } catch {
            return undefined;
        }
    }

    async now(): Promise<bigint> {
        return BigInt((await this.read()).time_ns);
    }

    /** How many calls the network has accepted over HTTP so far. */
    async callsReceived(): Promise<number> {
        return (await this.read()).calls_received;
    }

    private async read(): Promise<{ time_ns: string; calls_received: number }> {
        const res = await fetch(new URL('/_/time', this.url));
        return (await res.json()) as { time_ns: string; calls_received: number };
    }

    /** Moves the network `ms` ahead and runs a round; returns how many HTTP calls finished in it. */
    async advance(ms: number): Promise<number> {
        const res = await fetch(new URL('/_/advance_time', this.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
        if (!res.ok) throw new Error(`advance_time failed: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { finished: number }).finished;
    }
}
