/** The embedded IC emulator: one subnet, real canister wasm, virtual time. */
export { type DeferredActor, makeActor } from './actor.js';
export { type CanisterStatus, Emulator, type EmulatorOptions } from './emulator.js';
export { CallRejectedError, EmulatorError, RejectCode } from './errors.js';
export { type DropRule, type MessageFacts } from './faults.js';
export { MANAGEMENT_CANISTER } from './ids.js';
export { type CallStatus, PendingCall } from './pending_call.js';
export { DEADLINE_EXPIRED_MESSAGE, REQUEST_TIMED_OUT_MESSAGE } from './subnet/scheduler.js';
export { GENERATIONS, type ReplicaRules } from './generations.js';
export { type Model, type TraceEntry, type TraceOutcome } from './trace.js';
export { type DiagramPanel, renderPanels, renderSequenceDiagram, type SequenceDiagramOptions } from './render/index.js';
export { Prng } from './prng.js';
export { instrument, type Instrumented } from './wasm/instrument.js';
export { readMetadata } from './wasm/custom_sections.js';
