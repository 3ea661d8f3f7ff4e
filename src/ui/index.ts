export { createUiApp } from './ui-app.js';
export { createHtmlNotFound, createPageFrame } from './html-errors.js';
