/**
 * The front channel: `GET /oauth/authorize` (the consent page) and `POST /oauth/authorize/consent` (the
 * Allow / Cancel click), with Meta's validation. Problems with the request itself are answered on Meta's
 * own JSON error page and never redirected back to the app, as Meta does.
 *
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @module
 */

import { type ConsentRequest, KNOWN_SCOPES, renderConsentPage } from './consent-page.js';
import { AUTHORIZE_ERRORS, authorizeError } from './meta-errors.js';
import { isHttpRedirectUri } from './options.js';
import { type FakeResponse, htmlPage, redirect } from './responses.js';
import type { EndpointContext, EndpointRequest } from './routes.js';

/** Splits a `scope` parameter, which Meta accepts comma- or space-separated, and drops duplicates. */
export function parseScopes(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/[\s,]+/).filter((part) => part !== ''))];
}

/** The authorize request in `params`, or Meta's error page for the first thing wrong with it. */
function readAuthorizeRequest(
  ctx: EndpointContext,
  params: Readonly<Record<string, string>>,
  checkResponseType: boolean,
): ConsentRequest | FakeResponse {
  const { options } = ctx;
  if (params['client_id'] !== options.clientId) {
    return authorizeError(AUTHORIZE_ERRORS.unknownApp.code, AUTHORIZE_ERRORS.unknownApp.message);
  }
  const redirectUri = params['redirect_uri'] ?? '';
  const allowed =
    options.redirectUris.length === 0 ? isHttpRedirectUri(redirectUri) : options.redirectUris.includes(redirectUri);
  if (!allowed) {
    return authorizeError(AUTHORIZE_ERRORS.redirectBlocked.code, AUTHORIZE_ERRORS.redirectBlocked.message);
  }
  if (checkResponseType && params['response_type'] !== 'code') {
    return authorizeError(AUTHORIZE_ERRORS.badResponseType.code, AUTHORIZE_ERRORS.badResponseType.message);
  }
  const scopes = parseScopes(params['scope']);
  const unknown = scopes.filter((scope) => !KNOWN_SCOPES.has(scope));
  if (unknown.length > 0) {
    const { code, message } = AUTHORIZE_ERRORS.unknownScope;
    return authorizeError(code, message.replace('{scopes}', unknown.join(', ')));
  }
  if (!scopes.includes('threads_basic')) {
    return authorizeError(AUTHORIZE_ERRORS.missingBasicScope.code, AUTHORIZE_ERRORS.missingBasicScope.message);
  }
  return { clientId: options.clientId, redirectUri, scopes, state: params['state'] };
}

function isResponse(value: ConsentRequest | FakeResponse): value is FakeResponse {
  return 'status' in value;
}

/**
 * `redirectUri` with `params` and `state` appended to its query, and the `#_` Meta puts on every redirect
 * back. Appended as text so the app's own query string comes back byte for byte.
 */
function redirectBack(redirectUri: string, params: [string, string][], state: string | undefined): string {
  const search = new URLSearchParams(params);
  if (state !== undefined) search.append('state', state);
  const separator = !redirectUri.includes('?') ? '?' : /[?&]$/.test(redirectUri) ? '' : '&';
  return `${redirectUri}${separator}${search.toString()}#_`;
}

function allow(ctx: EndpointContext, request: ConsentRequest, userId: string): FakeResponse {
  const code = ctx.ledger.issueCode({
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    userId,
  });
  return redirect(redirectBack(request.redirectUri, [['code', code]], request.state));
}

/** `GET /oauth/authorize`: the consent page, or with `autoApprove` a redirect back with a code for the first user. */
export function authorize(ctx: EndpointContext, req: EndpointRequest): FakeResponse {
  const request = readAuthorizeRequest(ctx, req.query, true);
  if (isResponse(request)) return request;
  const [firstUser] = ctx.options.users;
  if (ctx.options.autoApprove && firstUser !== undefined) return allow(ctx, request, firstUser.id);
  return htmlPage(200, renderConsentPage({ appName: ctx.options.appName, request, users: ctx.options.users }));
}

/** `POST /oauth/authorize/consent`: Allow redirects back with a code, Cancel with `error=access_denied`. */
export function consent(ctx: EndpointContext, req: EndpointRequest): FakeResponse {
  const request = readAuthorizeRequest(ctx, req.form, false);
  if (isResponse(request)) return request;
  const decision = req.form['decision'];
  if (decision === 'cancel') {
    return redirect(
      redirectBack(
        request.redirectUri,
        [
          ['error', 'access_denied'],
          ['error_reason', 'user_denied'],
          ['error_description', 'The user denied your request'],
        ],
        request.state,
      ),
    );
  }
  if (decision !== 'allow') {
    return authorizeError(AUTHORIZE_ERRORS.unknownError.code, AUTHORIZE_ERRORS.unknownError.message);
  }
  const userId = req.form['user_id'] ?? ctx.options.users[0]?.id;
  if (userId === undefined || !ctx.options.users.some((user) => user.id === userId)) {
    // Meta's nearest real case: the account is not a tester of the app.
    return authorizeError(AUTHORIZE_ERRORS.notTester.code, AUTHORIZE_ERRORS.notTester.message);
  }
  return allow(ctx, request, userId);
}
