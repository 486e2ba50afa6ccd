// Ready-to-run examples for a newly registered device, in the ingest protocol the api checks:
// X-Device-Id, X-Timestamp (Unix milliseconds, within the api's window) and
// X-Signature = hex(HMAC-SHA256(secret, rawBody + X-Timestamp)) over the exact bytes sent.

type Device = { id: string; secret: string; ingestUrl: string };

/** A single quoted shell word (ids and base64url secrets never contain a quote, but be safe). */
const sh = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * POSIX shell with curl and openssl: one reading in the customer guide's flat format. Runs
 * on GNU and BSD date alike (seconds × 1000 keeps it portable; %N is GNU-only).
 */
export function curlSnippet({ id, secret, ingestUrl }: Device): string {
  return [
    `DEVICE_ID=${sh(id)}`,
    `DEVICE_SECRET=${sh(secret)}`,
    `BODY='{"readings":[{"ts":"'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'","temperature":4.2,"humidity":55,"door_status":"closed"}]}'`,
    `TS="$(date +%s)000"`,
    `SIG=$(printf '%s%s' "$BODY" "$TS" | openssl dgst -sha256 -hmac "$DEVICE_SECRET" | sed 's/^.*= //')`,
    `curl -sS -X POST ${sh(ingestUrl)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Device-Id: $DEVICE_ID" \\`,
    `  -H "X-Timestamp: $TS" \\`,
    `  -H "X-Signature: $SIG" \\`,
    `  --data-binary "$BODY"`,
  ].join('\n');
}

/** TypeScript with the SDK's device client (it signs, buffers, batches and retries). */
export function sdkSnippet({ id, secret, ingestUrl }: Device): string {
  return [
    `// Save as send-reading.mts and run:`,
    `//   DEVICE_SECRET=${sh(secret)} npx tsx send-reading.mts`,
    `import { createDeviceClient } from '@anythingiot/sdk';`,
    ``,
    `const client = createDeviceClient({`,
    `  url: ${JSON.stringify(ingestUrl)},`,
    `  deviceId: ${JSON.stringify(id)},`,
    `  secret: process.env.DEVICE_SECRET ?? '',`,
    `});`,
    ``,
    `const result = await client.send({`,
    `  ts: new Date(),`,
    `  metrics: { temperature: 4.2, humidity: 55, door: 0 },`,
    `});`,
    `if (result.stopped) {`,
    `  console.error('not sent, kept in the buffer:', result.stopped);`,
    `  process.exitCode = 1;`,
    `} else {`,
    `  console.log(\`accepted \${result.accepted} values\`);`,
    `}`,
  ].join('\n');
}
