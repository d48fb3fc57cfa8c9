// Media flags → a MediaPlan: in the engine (src/engine/flags/media.ts), shared with the library API.
export * from '../engine/flags/media.js';
