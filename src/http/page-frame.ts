import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../app-env.js';

/** Renders a page's content inside the site's layout and navigation (the pages give it to surfaces that serve a page of their own). */
export type PageFrame = (c: Context<AppEnv>, title: string, content: Child) => Promise<Response>;
