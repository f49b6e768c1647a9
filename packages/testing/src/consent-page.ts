/**
 * The fake authorization window: a small self-contained HTML page with Allow and Cancel, and the reader
 * {@link FakeThreads.approve} uses to fill it in as a browser would. Both live here because only this
 * module knows the page's markup.
 *
 * @module
 */

import type { FakeUser } from './options.js';

/** Where the consent form posts to. */
export const CONSENT_PATH = '/oauth/authorize/consent';

/** The authorize request the consent page carries in hidden fields to {@link CONSENT_PATH}. */
export interface ConsentRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  /** The requested scopes, already split and de-duplicated. */
  readonly scopes: readonly string[];
  /** `undefined` when the app sent no `state`, so none is echoed back. */
  readonly state: string | undefined;
}

const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  threads_basic: 'See your Threads profile and posts',
  threads_content_publish: 'Publish posts on your behalf',
  threads_read_replies: 'Read replies to your posts',
  threads_manage_replies: 'Hide and answer replies to your posts',
  threads_manage_insights: 'See insights for your profile and posts',
  threads_manage_mentions: 'See and manage posts that mention you',
  threads_keyword_search: 'Search public posts by keyword',
  threads_location_tagging: 'Tag locations in your posts',
  threads_delete: 'Delete your posts',
  threads_profile_discovery: 'Look up public Threads profiles',
  threads_share_to_instagram: 'Share your posts to Instagram Stories',
};

/** Every scope the Threads authorization window knows; anything else is rejected as an invalid scope. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set(Object.keys(SCOPE_DESCRIPTIONS));

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `value` made safe for HTML text and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function unescapeHtml(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => {
    const found = Object.entries(HTML_ESCAPES).find(([, escaped]) => escaped === entity);
    return found === undefined ? entity : found[0];
  });
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

function userPicker(users: readonly Readonly<FakeUser>[]): string {
  const [first] = users;
  if (users.length === 1 && first !== undefined) return hidden('user_id', first.id);
  const options = users
    .map((user, index) => {
      const label = user.name === undefined ? `@${user.username}` : `${user.name} (@${user.username})`;
      const checked = index === 0 ? ' checked' : '';
      return `<label><input type="radio" name="user_id" value="${escapeHtml(user.id)}"${checked}> ${escapeHtml(label)}</label>`;
    })
    .join('\n        ');
  return `<fieldset>\n        <legend>Continue as</legend>\n        ${options}\n      </fieldset>`;
}

const STYLE = `
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f5f5f5; color: #101010; margin: 0; }
  main { max-width: 26rem; margin: 3rem auto; background: #fff; border-radius: 16px; padding: 2rem; box-shadow: 0 1px 4px #0002; }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  .fake { font-size: .8rem; color: #666; margin: 0 0 1.5rem; }
  ul { padding-left: 1.25rem; }
  code { word-break: break-all; }
  fieldset { border: 1px solid #ddd; border-radius: 8px; margin: 1rem 0; }
  fieldset label { display: block; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
  button { flex: 1; font: inherit; padding: .6rem; border-radius: 10px; border: 1px solid #ccc; background: #fff; cursor: pointer; }
  button[value="allow"] { background: #000; color: #fff; border-color: #000; }
`;

/** The consent page for `request`, naming `appName`, with a user picker when there is more than one user. */
export function renderConsentPage(input: {
  appName: string;
  request: ConsentRequest;
  users: readonly Readonly<FakeUser>[];
}): string {
  const { appName, request, users } = input;
  const scopes = request.scopes
    .map((scope) => {
      const description = SCOPE_DESCRIPTIONS[scope];
      return `<li><code>${escapeHtml(scope)}</code>${description === undefined ? '' : ` — ${escapeHtml(description)}`}</li>`;
    })
    .join('\n        ');
  const fields = [
    hidden('client_id', request.clientId),
    hidden('redirect_uri', request.redirectUri),
    hidden('scope', request.scopes.join(',')),
    ...(request.state === undefined ? [] : [hidden('state', request.state)]),
  ].join('\n      ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Allow ${escapeHtml(appName)} to access your Threads profile?</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
    <p class="fake">Fake Threads — a local stand-in for Meta's authorization window. Nothing leaves this machine.</p>
    <h1>Allow <strong>${escapeHtml(appName)}</strong> to access your Threads profile?</h1>
    <p>${escapeHtml(appName)} is asking to:</p>
    <ul>
        ${scopes}
    </ul>
    <p>You will be sent back to <code>${escapeHtml(request.redirectUri)}</code>.</p>
    <form method="post" action="${CONSENT_PATH}">
      ${fields}
      ${userPicker(users)}
      <div class="actions">
        <button type="submit" name="decision" value="cancel">Cancel</button>
        <button type="submit" name="decision" value="allow">Allow</button>
      </div>
    </form>
  </main>
</body>
</html>
`;
}

/** The form a browser would submit from a page made by {@link renderConsentPage}, before a button is chosen. */
export interface ConsentForm {
  /** The form's `action`, as written in the page. */
  readonly action: string;
  /** The hidden fields and the pre-selected user. */
  readonly fields: Readonly<Record<string, string>>;
  /** The user ids the page offers. */
  readonly userIds: readonly string[];
}

/**
 * Reads the consent form from a page made by {@link renderConsentPage}.
 *
 * @throws Error when `html` is not such a page.
 */
export function readConsentForm(html: string): ConsentForm {
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
  if (action === undefined) throw new Error('The fake authorization page has no consent form.');
  const fields: Record<string, string> = {};
  const userIds: string[] = [];
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(match[1] ?? '')] = unescapeHtml(match[2] ?? '');
  }
  for (const match of html.matchAll(/<input type="radio" name="user_id" value="([^"]*)"( checked)?>/g)) {
    const id = unescapeHtml(match[1] ?? '');
    userIds.push(id);
    if (match[2] !== undefined) fields['user_id'] = id;
  }
  if (fields['user_id'] !== undefined && userIds.length === 0) userIds.push(fields['user_id']);
  return { action: unescapeHtml(action), fields, userIds };
}
