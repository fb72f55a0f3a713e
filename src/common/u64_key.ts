import type { Serializable } from 'azle';

/**
 * A StableBTreeMap key serializer for u64 ids: 8 bytes, big-endian, so that the map's byte order
 * (in which `keys()` lists them) is numeric order. The default JSON keys sort "10" before "9".
 */
export const u64Key: Serializable = {
    toBytes(id: bigint): Uint8Array {
        const bytes = new Uint8Array(8);
        new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, id));
        return bytes;
    },
    fromBytes(bytes: Uint8Array): bigint {
        return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
    }
};
