import { msgArgData } from 'azle';

import { unsafeCandid } from '@response-models/bounded-wait';

/**
 * What each canister's inspect_message answers for an ingress message: refused when its
 * argument declares a vector of zero-sized elements, which costs the canister (it pays for
 * ingress) as much as its declared length to decode, up to the instruction limit. Inter-canister
 * calls do not pass through inspect_message: the library's reply guard covers what callees send.
 */
export function acceptsIngress(): boolean {
    return unsafeCandid(msgArgData()) === undefined;
}
