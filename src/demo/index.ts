export { loadDemo } from './load-demo.js';
export { demoEvents } from './demo-events.js';
