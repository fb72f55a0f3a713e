/**
 * GET /api/v2/status: CBOR `{ ic_api_version, root_key, impl_version, replica_health_status,
 * certified_height }` (dfinity/ic, rs/http_endpoints/public/src/status.rs; the type
 * HttpStatusResponse in rs/types/types/src/messages/http.rs). Clients read `root_key`; ic-agent
 * also reads `impl_version` and `replica_health_status` when they are text.
 */
import { encodeCbor } from './cbor.js';
import { ServedSubnet } from './served_subnet.js';

/** status.rs IC_API_VERSION. */
export const IC_API_VERSION = '0.18.0';

export function statusBody(served: ServedSubnet, implVersion: string): Uint8Array {
    return encodeCbor({
        ic_api_version: IC_API_VERSION,
        root_key: served.keys.rootKeyDer,
        impl_version: implVersion,
        replica_health_status: 'healthy',
        certified_height: BigInt(served.subnet.round)
    });
}
