export { kerasToTfjsTopology } from './model-json.js';
