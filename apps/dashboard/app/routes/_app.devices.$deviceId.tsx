// The device page: the view-model is ~/server/device-page.server, the forms' handlers
// ~/server/device-actions.server, each panel a module of ~/ui/device (commands: ~/ui/commands).

import type {
  ActionFunctionArgs,
  LinksFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { DEVICE_INTENTS, deviceAction } from '~/server/device-actions.server';
import { devicePage } from '~/server/device-page.server';
import { requireMember, requireMemberIntent } from '~/server/guard.server';
import { DeviceCommands } from '~/ui/commands';
import { CredentialCard } from '~/ui/device/credential-card';
import { DeviceHeader } from '~/ui/device/device-header';
import { ExcursionsCard } from '~/ui/device/excursions-card';
import { HistoryCard } from '~/ui/device/history-card';
import { LatestValues } from '~/ui/device/latest-values';
import { useLiveView } from '~/ui/device/live-view';
import { ManageSection } from '~/ui/device/manage-section';
import { StatusCard } from '~/ui/device/status-card';
import chartStyles from '~/ui/device-chart.css?url';
import { type LiveHandle, liveClientLoader } from '~/ui/live/live';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: chartStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.device.name ?? 'Device'} · AnythingIoT` },
];

export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'device.read');
  return devicePage(member, args.request, args.params.deviceId ?? '');
}

/** Details, rotate, revoke, command: an unknown form is a 400, a missing permission a 403. */
export async function action(args: ActionFunctionArgs) {
  const submitted = await requireMemberIntent(args, 'device.read', DEVICE_INTENTS);
  return deviceAction(submitted, args.params.deviceId ?? '');
}

// Live: the page subscribes to this device's events before its loader reads (see
// ~/ui/device/live-view for what follows them and what is re-read).
export const handle: LiveHandle = {
  live: (params) => ({ facilityIds: [], deviceIds: [params.deviceId ?? ''] }),
};
export const clientLoader = liveClientLoader(handle.live);

export default function DevicePage() {
  const data = useLiveView(useLoaderData<typeof loader>());
  const { device } = data;
  const manage = data.can.write || data.can.rotate || data.can.revoke;
  return (
    <div className="space-y-6">
      <DeviceHeader data={data} />
      <LatestValues data={data} />
      <HistoryCard data={data} />
      <div className="grid gap-6 lg:grid-cols-3">
        <StatusCard data={data} />
        <CredentialCard data={data} />
        {data.history.ok ? <ExcursionsCard history={data.history} /> : null}
      </div>
      {data.commands ? (
        <DeviceCommands
          deviceId={device.id}
          revoked={device.status === 'revoked'}
          commands={data.commands.items}
          form={data.commands.form}
          timeZone={data.timeZone}
        />
      ) : null}
      {manage ? <ManageSection data={data} /> : null}
    </div>
  );
}
