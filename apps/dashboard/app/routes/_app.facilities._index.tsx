import { can } from '@anythingiot/core';
import { createFacility, getOverview, listFacilities } from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { redirect } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import {
  Card,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@tremor/react';
import { formFailure, guard, requireMember, requireMemberAction } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { FACILITY_TYPE_LABEL, FACILITY_TYPES } from '~/ui/facility';
import { Field, FormError, SelectField, Submit } from '~/ui/form';
import { TimeZoneField } from '~/ui/time-zone-field';

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
        <Card className="p-0">
          <Table>
            <TableHead>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Type</TableHeaderCell>
                <TableHeaderCell className="hidden md:table-cell">Address</TableHeaderCell>
                <TableHeaderCell className="text-right">Devices</TableHeaderCell>
                <TableHeaderCell className="text-right">Online</TableHeaderCell>
                <TableHeaderCell className="text-right">Offline</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
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
            </TableBody>
          </Table>
        </Card>
      )}
      {canWrite ? <CreateFacility tenantTimeZone={tenantTimeZone} /> : null}
    </div>
  );
}

const FIELDS = ['name', 'type', 'address', 'timeZone'] as const;

function CreateFacility({ tenantTimeZone }: { tenantTimeZone: string }) {
  const problem = useActionData<typeof action>()?.problem;
  return (
    <section aria-labelledby="create-facility" className="max-w-xl">
      <h2 id="create-facility" className="text-lg font-semibold">
        Create a facility
      </h2>
      <Form method="post" className="mt-4 space-y-4" noValidate>
        <FormError problem={problem} fields={FIELDS} />
        <Field label="Name" name="name" required maxLength={120} problem={problem} />
        <SelectField label="Type" name="type" defaultValue="cold_room" problem={problem}>
          {FACILITY_TYPES.map((type) => (
            <option key={type} value={type}>
              {FACILITY_TYPE_LABEL[type]}
            </option>
          ))}
        </SelectField>
        <Field
          label="Address"
          name="address"
          autoComplete="street-address"
          maxLength={500}
          problem={problem}
          hint="Optional; for a vehicle, its registration or depot."
        />
        <TimeZoneField problem={problem} defaultValue={tenantTimeZone} />
        <Submit>Create facility</Submit>
      </Form>
    </section>
  );
}
