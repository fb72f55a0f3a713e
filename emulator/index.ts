/** The embedded IC emulator: one subnet, real canister wasm, virtual time. */
export { type DeferredActor } from './actor';
export { type CanisterStatus, Emulator, type EmulatorOptions } from './emulator';
export { CallRejectedError, EmulatorError, RejectCode } from './errors';
export { type DropRule, type MessageFacts } from './faults';
export { MANAGEMENT_CANISTER } from './ids';
export { type CallStatus, PendingCall } from './pending_call';
export { DEADLINE_EXPIRED_MESSAGE, REQUEST_TIMED_OUT_MESSAGE } from './subnet/scheduler';
export { GENERATIONS, type ReplicaRules } from './generations';
export { type Model, type TraceEntry, type TraceOutcome } from './trace';
export { type DiagramPanel, renderPanels, renderSequenceDiagram, type SequenceDiagramOptions } from './render';
