/**
 * Renders an OpenAPI 3.1 document as one self-contained HTML page: no scripts, no CDN, so the
 * docs work offline, behind strict CSPs and in the local stack exactly as in production.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  format?: string;
  example?: unknown;
};
type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
  description?: string;
};
type MediaMap = Record<string, { schema?: Schema }>;
type Operation = {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { required?: boolean; content?: MediaMap };
  responses?: Record<string, { description?: string; content?: MediaMap }>;
};
export type OpenApiDoc = {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Inline `code` spans from the descriptions' markdown, and nothing else. */
const prose = (text: string | undefined) =>
  text ? `<p>${esc(text).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>` : '';

export function renderDocs(doc: OpenApiDoc): string {
  const schemas = doc.components?.schemas ?? {};
  const resolve = (s: Schema | undefined): Schema | undefined => {
    const name = s?.$ref?.split('/').pop();
    return name ? schemas[name] : s;
  };

  // Named schemas are linked, not repeated: each is described once under "Schemas".
  const typeOf = (raw: Schema | undefined, depth: number): string => {
    const name = raw?.$ref?.split('/').pop();
    if (name) return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
    const s = raw;
    if (!s) return 'any';
    const variants = s.anyOf ?? s.oneOf;
    if (variants) return variants.map((v) => typeOf(v, depth)).join(' | ');
    if (s.enum) return s.enum.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(' | ');
    const types = Array.isArray(s.type) ? s.type : [s.type ?? 'object'];
    return types
      .map((t) => {
        if (t === 'array') return `array of ${typeOf(s.items, depth)}`;
        if (t === 'object' && s.properties && depth < 4) return fields(s, depth + 1);
        return esc(t) + (s.format ? ` (${esc(s.format)})` : '');
      })
      .join(' | ');
  };

  const limits = (s: Schema) =>
    [
      s.minimum !== undefined && `≥ ${s.minimum}`,
      s.maximum !== undefined && `≤ ${s.maximum}`,
      s.minLength !== undefined && `length ≥ ${s.minLength}`,
      s.maxLength !== undefined && `length ≤ ${s.maxLength}`,
      s.minItems !== undefined && `≥ ${s.minItems} items`,
      s.maxItems !== undefined && `≤ ${s.maxItems} items`,
      s.default !== undefined && `default ${esc(JSON.stringify(s.default))}`,
    ]
      .filter(Boolean)
      .join(', ');

  const fields = (s: Schema, depth: number): string => {
    const rows = Object.entries(s.properties ?? {}).map(([key, raw]) => {
      const prop = raw ?? {};
      const required = s.required?.includes(key) ? ' <span class="req">required</span>' : '';
      const notes = [limits(prop), prop.description && esc(prop.description)]
        .filter(Boolean)
        .join(' — ');
      return `<li><code>${esc(key)}</code>${required}: ${typeOf(raw, depth)}${notes ? ` <span class="note">${notes}</span>` : ''}</li>`;
    });
    return `<ul class="fields">${rows.join('')}</ul>`;
  };

  // Request bodies also list their fields inline: that is what a caller needs at that point.
  const body = (content: MediaMap | undefined, expand = false) =>
    Object.entries(content ?? {})
      .map(([type, media]) => {
        const named = expand ? resolve(media.schema) : undefined;
        const detail = named && named !== media.schema ? fields(named, 1) : '';
        return `<div class="media"><code>${esc(type)}</code> ${typeOf(media.schema, 0)}${detail}</div>`;
      })
      .join('');

  const operation = (method: string, path: string, op: Operation) => {
    const params = (op.parameters ?? []).map(
      (p) =>
        `<li><code>${esc(p.name)}</code> <span class="note">in ${esc(p.in)}</span>${p.required ? ' <span class="req">required</span>' : ''}: ${typeOf(p.schema, 0)}${p.schema ? ` <span class="note">${limits(p.schema)}</span>` : ''}</li>`,
    );
    const responses = Object.entries(op.responses ?? {}).map(
      ([status, r]) =>
        `<li><span class="status s${esc(status[0])}">${esc(status)}</span> ${esc(r.description ?? '')}${body(r.content)}</li>`,
    );
    const auth = op.security?.length ? '<span class="auth">API key</span>' : '';
    return `<section class="op" id="${esc(`${method}-${path}`)}">
<h3><span class="method m-${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code> ${auth}</h3>
${prose(op.summary)}${prose(op.description)}
${params.length ? `<h4>Parameters</h4><ul class="fields">${params.join('')}</ul>` : ''}
${op.requestBody ? `<h4>Body${op.requestBody.required ? '' : ' (optional)'}</h4>${body(op.requestBody.content, true)}` : ''}
<h4>Responses</h4><ul class="responses">${responses.join('')}</ul>
</section>`;
  };

  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  }
  const schemaSection = Object.entries(schemas)
    .map(
      ([name, schema]) =>
        `<section class="op" id="schema-${esc(name)}"><h3>${esc(name)}</h3>${prose(schema.description)}${typeOf(schema, 0)}</section>`,
    )
    .join('');
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(' · ');
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${ops.join('')}`)
    .join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem;color:#1f2937}
code{font:13px ui-monospace,monospace;background:#f3f4f6;padding:0 .2em;border-radius:3px}
h2{border-bottom:1px solid #e5e7eb;margin-top:2.5rem;text-transform:capitalize}
.op{border:1px solid #e5e7eb;border-radius:8px;padding:.25rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:4px;font-size:12px;padding:2px 6px}
.m-get{background:#2563eb}.m-post{background:#059669}.m-patch{background:#d97706}.m-put{background:#7c3aed}.m-delete{background:#dc2626}
.auth{font-size:12px;border:1px solid #9ca3af;border-radius:4px;padding:0 4px;color:#4b5563}
.req{color:#b91c1c;font-size:12px}.note{color:#6b7280;font-size:13px}
.status{font-weight:600}.s2{color:#047857}.s4{color:#b45309}.s5{color:#b91c1c}
.fields,.responses{padding-left:1.2rem}.media{margin:.2rem 0 .2rem 1rem}
</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
${prose(doc.info.description)}
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Sections: ${toc}</p>
${sections}
<h2 id="schemas">Schemas</h2>${schemaSection}
</body></html>`;
}
