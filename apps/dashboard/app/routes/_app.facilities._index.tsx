import { can } from '@anythingiot/core';
import { createFacility, getOverview, listFacilities } from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { redirect } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { TableCell, TableRow } from '@tremor/react';
import { formFailure, guard, requireMember, requireMemberAction } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { DataTable } from '~/ui/data-table';
import { FACILITY_TYPE_LABEL } from '~/ui/facility';
import { FACILITY_FIELDS, FacilityFields } from '~/ui/facility-fields';
import { FormError, Submit } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Facilities · AnythingIoT' }];

/** The facilities the member may see, with their devices online/offline; the create form. */
export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'facility.read');
  const ctx = tenantCtx(member);
  // The overview's tiles already count each facility's devices by state, in grouped SQL.
  const [facilities, overview] = await guard(member, () =>
    Promise.all([listFacilities({ ctx }), getOverview({ ctx, input: { alertLimit: 0 } })]),
  );
  const counts = new Map(overview.tiles.map((t) => [t.facility?.id ?? null, t.devices]));
  return {
    canWrite: can(member.principal.role, 'facility.write'),
    tenantTimeZone: overview.timeZone,
    facilities: facilities.map((f) => {
      const devices = counts.get(f.id);
      return {
        id: f.id,
        name: f.name,
        type: f.type,
        address: f.address,
        timeZone: f.timeZone,
        online: devices?.online ?? 0,
        offline: devices?.offline ?? 0,
        neverReported: devices?.neverReported ?? 0,
      };
    }),
  };
}

/** Creates a facility (owners and admins) and opens it. */
export async function action(args: ActionFunctionArgs) {
  const member = await requireMemberAction(args, 'facility.write');
  const form = await args.request.formData();
  try {
    const facility = await createFacility({
      ctx: tenantCtx(member),
      input: {
        name: String(form.get('name') ?? ''),
        type: String(form.get('type') ?? ''),
        address: String(form.get('address') ?? ''),
        timeZone: String(form.get('timeZone') ?? ''),
      },
    });
    return redirect(`/facilities/${facility.id}?created=1`);
  } catch (err) {
    return formFailure(err, member.app);
  }
}

export default function Facilities() {
  const { facilities, canWrite, tenantTimeZone } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-8">
      <h1 className="text-xl font-semibold">Facilities</h1>
      {facilities.length === 0 ? (
        <p className="text-sm text-gray-600">
          {canWrite
            ? 'No facility yet. Create the first one below: a cold room, a warehouse, a vehicle…'
            : 'You have no facility to see yet. An admin can create one or give you access.'}
        </p>
      ) : (
        <DataTable
          columns={[
            'Name',
            'Type',
            { label: 'Address', className: 'hidden md:table-cell' },
            { label: 'Devices', className: 'text-right' },
            { label: 'Online', className: 'text-right' },
            { label: 'Offline', className: 'text-right' },
          ]}
        >
          {facilities.map((f) => (
            <TableRow key={f.id} data-testid="facility-row">
              <TableCell>
                <Link
                  to={`/facilities/${f.id}`}
                  className="font-medium text-blue-700 underline-offset-2 hover:underline"
                >
                  {f.name}
                </Link>
                <div className="text-xs text-gray-500">{f.timeZone}</div>
              </TableCell>
              <TableCell>{FACILITY_TYPE_LABEL[f.type]}</TableCell>
              <TableCell className="hidden whitespace-normal md:table-cell">
                {f.address || <span className="text-gray-400">—</span>}
              </TableCell>
              <TableCell className="text-right tabular-nums">
                {f.online + f.offline + f.neverReported}
              </TableCell>
              <TableCell className="text-right tabular-nums">{f.online}</TableCell>
              <TableCell
                className={`text-right tabular-nums ${f.offline > 0 ? 'font-semibold text-red-700' : ''}`}
              >
                {f.offline}
              </TableCell>
            </TableRow>
          ))}
        </DataTable>
      )}
      {canWrite ? <CreateFacility tenantTimeZone={tenantTimeZone} /> : null}
    </div>
  );
}

function CreateFacility({ tenantTimeZone }: { tenantTimeZone: string }) {
  const problem = useActionData<typeof action>()?.problem;
  return (
    <section aria-labelledby="create-facility" className="max-w-xl">
      <h2 id="create-facility" className="text-lg font-semibold">
        Create a facility
      </h2>
      <Form method="post" className="mt-4 space-y-4" noValidate>
        <FormError problem={problem} fields={FACILITY_FIELDS} />
        <FacilityFields
          problem={problem}
          values={{ type: 'cold_room', timeZone: tenantTimeZone }}
        />
        <Submit>Create facility</Submit>
      </Form>
    </section>
  );
}
