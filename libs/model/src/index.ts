export * from './backend.js';
export * from './flat-weights.js';
export * from './delta.js';
export * from './float-codec.js';
export * from './model-spec-error.js';
export * from './compile-settings.js';
export * from './build-model.js';
export * from './artifacts.js';
