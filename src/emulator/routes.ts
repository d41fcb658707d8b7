import type { Api } from '../records/call-record.ts';

/** Where a request path leads. */
export type Route =
  | { kind: 'model'; api: Api; modelId: string }
  | { kind: 'health' }
  | { kind: 'ground-truth-list' }
  | { kind: 'ground-truth-entry'; requestId: string }
  | { kind: 'unknown' };

const MODEL_ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const ENTRY_ROUTE = /^\/_emulator\/requests\/([^/]+)$/;

/** Decoded text; malformed escapes stay as sent (and then fail validation as an invalid id). */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Matches a path (query string ignored); model ids arrive URL-encoded, as the SDK sends them. */
export function matchRoute(url: string): Route {
  const path = url.split('?', 1)[0] ?? '/';
  const model = MODEL_ROUTE.exec(path);
  if (model) {
    const modelId = safeDecode(model[1] ?? '');
    return { kind: 'model', api: model[2] === 'converse' ? 'converse' : 'converse-stream', modelId };
  }
  if (path === '/_emulator/health') return { kind: 'health' };
  if (path === '/_emulator/requests') return { kind: 'ground-truth-list' };
  const entry = ENTRY_ROUTE.exec(path);
  if (entry) return { kind: 'ground-truth-entry', requestId: safeDecode(entry[1] ?? '') };
  return { kind: 'unknown' };
}

/** The one method each route accepts. */
export function allowedMethod(route: Route): string {
  return route.kind === 'model' ? 'POST' : 'GET';
}
