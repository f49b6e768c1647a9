/** The token read in a route handler: 401 without a signed-in user, else who they are and what they granted. */
import { checkThreadsToken, errorOutcome, toResponse } from '@threads-auth/web';
import { threadsAuth } from '../../../lib/threads-auth';

export async function GET(request: Request): Promise<Response> {
  const { token, setCookie } = await threadsAuth().getThreadsToken(request);
  const refused = checkThreadsToken(token);
  const response = refused === undefined ? Response.json({ userId: token?.userId, scopes: token?.scopes }) : toResponse(errorOutcome(refused));
  // A refreshed token is re-sealed into the session cookie: send it back.
  for (const line of setCookie) response.headers.append('set-cookie', line);
  return response;
}
