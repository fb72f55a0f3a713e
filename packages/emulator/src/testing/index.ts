/** Helpers for writing canisters by hand in tests: WebAssembly text compiled with wabt. */
export { ic0Module, watBytes } from './ic0_module.js';
export { wat } from './wat.js';
