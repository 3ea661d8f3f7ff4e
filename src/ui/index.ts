export { createUiApp } from './ui-app.js';
