import type { LinksFunction, MetaFunction } from '@remix-run/cloudflare';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import styles from './tailwind.css?url';
import { problemOf } from './ui/problem';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];
export const meta: MetaFunction = () => [{ title: 'AnythingIoT' }];

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="h-full bg-gray-50">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full text-gray-900 antialiased">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** Any page's refusal or failure: the status and the server's own sentence, never a stack. */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail = isRouteErrorResponse(error)
    ? (problemOf(error.data)?.detail ?? error.statusText)
    : 'Something went wrong on our side. Try again in a moment.';
  const title = status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : `Error ${status}`;
  return (
    <main className="mx-auto max-w-lg p-8" data-status={status}>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="mt-2 text-gray-600">{detail}</p>
      <a className="mt-6 inline-block text-blue-700 underline" href="/">
        Back to the overview
      </a>
    </main>
  );
}
