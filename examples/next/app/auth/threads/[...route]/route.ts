/** Every threads-auth route (login, callback, logout, Meta's deauthorize and delete callbacks, deletion status). */
import { threadsAuth } from '../../../../lib/threads-auth';

async function route(request: Request): Promise<Response> {
  return (await threadsAuth().handler(request)) ?? new Response('Not found', { status: 404 });
}

export { route as GET, route as POST };
