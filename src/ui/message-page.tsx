import type { FC } from 'hono/jsx';
import type { SignedIn } from '../auth/index.js';
import { Layout } from './layout.js';

export const MessagePage: FC<{ who: SignedIn | null; title: string; message: string }> = ({ who, title, message }) => (
  <Layout title={title} who={who}>
    <h1>{title}</h1>
    <p>{message}</p>
    <p><a href="/-/duo/sessions">Back to the sessions</a></p>
  </Layout>
);
