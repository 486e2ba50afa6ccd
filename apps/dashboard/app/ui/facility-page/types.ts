// The facility page's data as its components receive it (JSON: dates as strings).

import type { SerializeFrom } from '@remix-run/cloudflare';
import type { loader } from '~/routes/_app.facilities.$facilityId';
import type { LiveDevice } from '~/ui/live/fold';

export type FacilityPageData = SerializeFrom<typeof loader>;
/** A device card's data: the loader's, and the readings that arrived live. */
export type CardDevice = FacilityPageData['devices'][number] & Pick<LiveDevice, 'arrived'>;
