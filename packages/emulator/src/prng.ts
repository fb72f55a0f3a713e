/** A small seeded PRNG (SplitMix64): the emulator's only source of randomness, so runs repeat. */
export class Prng {
    private state: bigint;

    constructor(seed: number | bigint) {
        this.state = BigInt.asUintN(64, BigInt(seed));
    }

    /** Another generator in the same state: both draw the same numbers from here on. */
    copy(): Prng {
        return new Prng(this.state);
    }

    nextU64(): bigint {
        this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
        let z = this.state;
        z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
        z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
        return z ^ (z >> 31n);
    }

    /** Uniform in [0, 1). */
    next(): number {
        return Number(this.nextU64() >> 11n) / 2 ** 53;
    }

    bytes(n: number): Uint8Array {
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i += 8) {
            let v = this.nextU64();
            for (let j = i; j < Math.min(i + 8, n); j++) {
                out[j] = Number(v & 0xffn);
                v >>= 8n;
            }
        }
        return out;
    }
}
