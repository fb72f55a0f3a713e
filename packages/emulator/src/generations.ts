import { ProfileName } from '@response-models/system-api';

/**
 * The rules that changed between the replica generations the emulator models, one field per
 * change, named after it, with its source. The System API profile (@response-models/system-api) says which
 * functions a generation offers; these say how it behaves. A profile selects both.
 */
export interface ReplicaRules {
    /**
     * Cycles attached to a best-effort call that the caller stopped waiting for are credited
     * back to it later, with no callback: the `SYS_UNKNOWN` callback still sees a refund of 0;
     * a late response is credited when it arrives (dfinity/ic PR #7093, "Credit the caller any
     * cycles attached to late responses", 2025-10; SystemState::push_input_impl calls
     * credit_refund); a request that expired or was dropped before the callee ran it, and a
     * dropped response, come back as an anonymous refund through the subnet's refund pool and
     * its loopback stream, credited at the next induction (PR #6957, "Handle `Refund` in
     * streams", 2025-09; rs/replicated_state/.../queues.rs, RefundPool). Only cycles the callee
     * accepted are gone.
     *
     * Off: the October 2024 replica of dfx 0.24.1-beta.1 lost them (queues.rs of that time,
     * on_message_dropped: dropped requests and responses released their slots and nothing more,
     * "TODO(MR-603)"; no credit for late responses).
     */
    readonly creditsUnacceptedBestEffortCycles: boolean;
}

export const GENERATIONS: Readonly<Record<ProfileName, ReplicaRules>> = {
    current: { creditsUnacceptedBestEffortCycles: true },
    'dfx-0.24.1-beta.1': { creditsUnacceptedBestEffortCycles: false }
};
