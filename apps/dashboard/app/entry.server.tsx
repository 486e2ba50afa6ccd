import type {
  AppLoadContext,
  EntryContext,
  HandleDataRequestFunction,
} from '@remix-run/cloudflare';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToReadableStream } from 'react-dom/server';
import { withSessionCookie } from './server/session-cookie.server';

const ABORT_AFTER_MS = 5_000;

/** Renders documents as a stream; bots get the whole page at once. */
export default async function handleRequest(
  request: Request,
  status: number,
  headers: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  let statusCode = status;
  const body = await renderToReadableStream(
    <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_AFTER_MS} />,
    {
      // The client going away stops rendering; a slow loader is bounded by abortDelay.
      signal: request.signal,
      onError(error: unknown) {
        statusCode = 500;
        console.error(error);
      },
    },
  );
  if (isbot(request.headers.get('user-agent') ?? '')) await body.allReady;
  headers.set('content-type', 'text/html; charset=utf-8');
  secureHeaders(headers);
  await withSessionCookie(headers, loadContext);
  return new Response(body, { headers, status: statusCode });
}

/** Data requests (client navigations, fetchers) carry the refreshed session cookie too. */
export const handleDataRequest: HandleDataRequestFunction = async (response, { context }) => {
  await withSessionCookie(response.headers, context);
  return response;
};

function secureHeaders(headers: Headers) {
  headers.set('x-frame-options', 'DENY');
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'same-origin');
}
