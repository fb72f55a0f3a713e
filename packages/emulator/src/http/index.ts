/** The emulator served over the IC HTTP interface. */
export { DEFAULT_PORT, type NetworkOptions, ServedNetwork } from './network.js';
