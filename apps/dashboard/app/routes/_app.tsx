import { accountCtx, listTenants } from '@anythingiot/services';

import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Form, Link, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { requireMember } from '~/server/guard.server';
import { LiveIndicator } from '~/ui/live/indicator';
import { LiveProvider } from '~/ui/live/live';
import { navFor } from '~/ui/nav';

/**
 * The signed-in frame: navigation for the member's role, the company switcher, logout, and the
 * tab's live connection (its indicator here; pages under the frame use it through ~/ui/live).
 */
export async function loader(args: LoaderFunctionArgs) {
  const { principal, app } = await requireMember(args, 'facility.read');
  const tenants = await listTenants({ ctx: { ...accountCtx(app.accounts()), user: principal } });
  return {
    me: {
      name: principal.name || principal.email,
      email: principal.email,
      emailVerified: principal.emailVerified,
      role: principal.role,
    },
    tenant: tenants.find((t) => t.active) ?? null,
    otherTenants: tenants.filter((t) => !t.active).length,
    nav: navFor(principal.role).map(({ to, label }) => ({ to, label })),
  };
}

export default function AppFrame() {
  const { me, tenant, otherTenants, nav } = useLoaderData<typeof loader>();
  const [open, setOpen] = useState(false);
  return (
    <LiveProvider>
      <div className="min-h-full">
        <header className="bg-white shadow-sm">
          <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3">
            <div className="flex items-center gap-3">
              <span className="font-bold text-blue-700">AnythingIoT</span>
              <span className="hidden text-sm text-gray-500 sm:inline" data-testid="tenant-name">
                {tenant?.name}
              </span>
              <LiveIndicator />
            </div>
            <button
              type="button"
              className="rounded-md p-2 text-sm ring-1 ring-gray-300 md:hidden"
              aria-expanded={open}
              aria-controls="main-nav"
              onClick={() => setOpen(!open)}
            >
              Menu
            </button>
            <div className="hidden items-center gap-3 text-sm md:flex">
              <Link to="/settings/profile" className="hover:underline">
                {me.name} <span className="text-gray-500">({me.role})</span>
              </Link>
              {otherTenants > 0 ? (
                <a className="text-blue-700 underline" href="/tenants">
                  Switch company
                </a>
              ) : null}
              <Form method="post" action="/logout">
                <button type="submit" className="text-blue-700 underline">
                  Log out
                </button>
              </Form>
            </div>
          </div>
          <nav
            id="main-nav"
            aria-label="Main"
            className={`${open ? 'block' : 'hidden'} border-t border-gray-100 md:block`}
          >
            <ul className="mx-auto flex max-w-7xl flex-col gap-1 px-4 py-2 md:flex-row md:gap-4">
              {nav.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    end={item.to === '/'}
                    className={({ isActive }) =>
                      `block rounded-md px-3 py-2 text-sm font-medium ${isActive ? 'bg-blue-50 text-blue-800' : 'text-gray-700 hover:bg-gray-100'}`
                    }
                  >
                    {item.label}
                  </NavLink>
                </li>
              ))}
              <li className="md:hidden">
                <NavLink
                  to="/settings/profile"
                  className="block rounded-md px-3 py-2 text-sm font-medium text-gray-700 hover:bg-gray-100"
                >
                  Your profile
                </NavLink>
              </li>
              <li className="md:hidden">
                <Form method="post" action="/logout">
                  <button type="submit" className="px-3 py-2 text-sm text-blue-700 underline">
                    Log out
                  </button>
                </Form>
              </li>
            </ul>
          </nav>
        </header>
        {!me.emailVerified ? (
          <p className="bg-amber-50 px-4 py-2 text-center text-sm text-amber-900">
            Please confirm your email address: we sent a link to {me.email}.
          </p>
        ) : null}
        <main className="mx-auto max-w-7xl px-4 py-6">
          <Outlet />
        </main>
      </div>
    </LiveProvider>
  );
}
