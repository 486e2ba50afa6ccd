import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { requireMember } from '~/server/guard.server';

export const meta: MetaFunction = () => [{ title: 'Overview · AnythingIoT' }];

export async function loader(args: LoaderFunctionArgs) {
  const { principal } = await requireMember(args, 'facility.read');
  return { role: principal.role };
}

export default function Overview() {
  const { role } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1 className="text-xl font-semibold">Overview</h1>
      <p className="mt-2 text-sm text-gray-600">Signed in as {role}.</p>
    </section>
  );
}
