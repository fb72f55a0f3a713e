export * from './system_api.js';
export * from './reject_codes.js';
