/** The token read in a server component, from the request's headers. */
import { headers } from 'next/headers';
import { threadsAuth } from '../lib/threads-auth';

export const dynamic = 'force-dynamic';

export default async function Home() {
  // A server component cannot set cookies: a refresh's re-sealed cookie is sent by the next route handler.
  const { token } = await threadsAuth().getThreadsToken(await headers());
  if (token === undefined) {
    return (
      <main>
        <p>You are not signed in.</p>
        <a href="/auth/threads/login">Sign in with Threads</a>
      </main>
    );
  }
  return (
    <main>
      <h1>Signed in with Threads</h1>
      <p>
        User <code>{token.userId}</code>, permissions <code>{token.scopes.join(', ')}</code>, token valid until{' '}
        <code>{token.expiresAt.toISOString()}</code>.
      </p>
      <form method="post" action="/auth/threads/logout">
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
