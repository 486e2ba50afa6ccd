import pg from 'pg';
import {
  DDL,
  json,
  MESSAGE_COLUMNS,
  numOrNull,
  SCHEMA,
  T,
  toDlq,
  toMessage,
  toSchedule,
  whereClause,
} from './schema.js';
import type {
  ClaimedMessage,
  DlqEntry,
  Filter,
  HeaderMap,
  NewMessage,
  ScheduleSpec,
  StoredMessage,
  StoredSchedule,
} from './types.js';

type Queryable = pg.Pool | pg.PoolClient;

/** Outcome of a finished delivery attempt, applied only while the claim is still ours. */
export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; retried: number; dueAt: number }
  | {
      kind: 'dead';
      dlqId: string;
      dlqAt: number;
      responseStatus: number | null;
      responseHeader: HeaderMap | null;
      responseBody: Buffer | null;
    };

/**
 * The emulator's state in Postgres, schema `devstack_qstash`: pending messages, dedup ids,
 * schedules and the DLQ. Everything that changes more than one row runs in a transaction, and
 * claims use `FOR UPDATE SKIP LOCKED` plus a lease, so emulators sharing a database never deliver
 * one message twice and a crashed one's claims expire.
 */
export class QStashStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and creates the schema and tables if missing. */
  static async open(databaseUrl: string, log: (line: string) => void): Promise<QStashStore> {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    // An idle client losing its connection (Postgres stopped first) must not crash the process.
    // Once we are closing, a connection still winding down when Postgres stops is expected.
    pool.on('error', (err) => {
      if (!pool.ending) log(`qstash: postgres connection error: ${err.message}`);
    });
    const store = new QStashStore(pool);
    try {
      // Two emulators starting on one database would race CREATE … IF NOT EXISTS; serialise them.
      await store.transaction(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(hashtext('${SCHEMA}'))`);
        await c.query(DDL);
      });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async transaction<R>(work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private async insertMessage(db: Queryable, m: NewMessage): Promise<void> {
    await db.query(
      `INSERT INTO ${T.messages} (${MESSAGE_COLUMNS.join(', ')})
       VALUES (${MESSAGE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
      [
        m.id,
        m.destination,
        m.method,
        json(m.headers),
        m.body,
        m.maxRetries,
        0,
        m.notBefore,
        m.notBefore,
        m.createdAt,
        m.timeoutMs,
        m.retryDelay,
        json(m.callback),
        json(m.failureCallback),
        m.scheduleId,
        m.callerIp,
        m.label,
        m.dedupId,
      ],
    );
  }

  /**
   * Stores messages in one transaction. A message whose dedup id was seen within the window is
   * not stored; its result names the first message instead.
   */
  async insertMessages(
    messages: NewMessage[],
    opts: { nowMs: number; dedupWindowMs: number },
  ): Promise<{ messageId: string; deduplicated: boolean }[]> {
    return this.transaction(async (c) => {
      const results: { messageId: string; deduplicated: boolean }[] = [];
      for (const m of messages) {
        if (m.dedupId !== null) {
          // Claims the id unless a live entry holds it; concurrent publishers serialise on the key.
          const claimed = await c.query(
            `INSERT INTO ${T.dedup} (id, message_id, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET message_id = EXCLUDED.message_id, expires_at = EXCLUDED.expires_at
             WHERE ${T.dedup}.expires_at <= $4
             RETURNING message_id`,
            [m.dedupId, m.id, opts.nowMs + opts.dedupWindowMs, opts.nowMs],
          );
          if (claimed.rowCount === 0) {
            const first = await c.query(`SELECT message_id FROM ${T.dedup} WHERE id = $1`, [
              m.dedupId,
            ]);
            results.push({ messageId: first.rows[0].message_id as string, deduplicated: true });
            continue;
          }
        }
        await this.insertMessage(c, m);
        results.push({ messageId: m.id, deduplicated: false });
      }
      return results;
    });
  }

  async getMessage(id: string): Promise<StoredMessage | null> {
    const { rows } = await this.pool.query(`SELECT * FROM ${T.messages} WHERE id = $1`, [id]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** Cancels (deletes) pending messages matching the filter; returns how many. */
  async cancelMessages(filter: Filter): Promise<number> {
    const params: unknown[] = [];
    const result = await this.pool.query(
      `DELETE FROM ${T.messages} ${whereClause(filter, 'id', params)}`,
      params,
    );
    return result.rowCount ?? 0;
  }

  /**
   * Claims up to `limit` due messages for delivery. The lease outlives the delivery timeout;
   * `inFlight` excludes our own running attempts should an injected clock jump past a lease.
   */
  async claimDue(opts: {
    nowMs: number;
    limit: number;
    claimToken: string;
    inFlight: string[];
    defaultTimeoutMs: number;
    leaseMarginMs: number;
  }): Promise<ClaimedMessage[]> {
    const { rows } = await this.pool.query(
      `UPDATE ${T.messages} m
       SET locked_until = $1 + COALESCE(m.timeout_ms, $5) + $6, claim_token = $2
       WHERE m.id IN (
         SELECT id FROM ${T.messages}
         WHERE due_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) AND NOT (id = ANY($4))
         ORDER BY due_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING m.*`,
      [
        opts.nowMs,
        opts.claimToken,
        opts.limit,
        opts.inFlight,
        opts.defaultTimeoutMs,
        opts.leaseMarginMs,
      ],
    );
    return rows.map((row) => ({ ...toMessage(row), claimToken: opts.claimToken }));
  }

  /**
   * Applies an attempt's outcome and stores its follow-up messages (callbacks) in the same
   * transaction. Does nothing if the message was cancelled or its claim lost meanwhile.
   */
  async finishAttempt(
    message: ClaimedMessage,
    outcome: AttemptOutcome,
    followUps: NewMessage[],
  ): Promise<boolean> {
    return this.transaction(async (c) => {
      const key = [message.id, message.claimToken];
      let applied: number | null;
      if (outcome.kind === 'delivered') {
        applied = (
          await c.query(`DELETE FROM ${T.messages} WHERE id = $1 AND claim_token = $2`, key)
        ).rowCount;
      } else if (outcome.kind === 'retry') {
        applied = (
          await c.query(
            `UPDATE ${T.messages} SET retried = $3, due_at = $4, locked_until = NULL, claim_token = NULL
             WHERE id = $1 AND claim_token = $2`,
            [...key, outcome.retried, outcome.dueAt],
          )
        ).rowCount;
      } else {
        const columns = MESSAGE_COLUMNS.join(', ');
        applied = (
          await c.query(
            `WITH moved AS (DELETE FROM ${T.messages} WHERE id = $1 AND claim_token = $2 RETURNING *)
             INSERT INTO ${T.dlq} (dlq_id, ${columns}, response_status, response_header, response_body, dlq_at)
             SELECT $3, ${columns}, $4, $5, $6, $7 FROM moved`,
            [
              ...key,
              outcome.dlqId,
              outcome.responseStatus,
              json(outcome.responseHeader),
              outcome.responseBody,
              outcome.dlqAt,
            ],
          )
        ).rowCount;
      }
      if (!applied) return false;
      for (const m of followUps) await this.insertMessage(c, m);
      return true;
    });
  }

  /** Gives a claim back untouched (shutdown mid-delivery), so the message is due again at once. */
  async releaseClaim(message: ClaimedMessage): Promise<void> {
    await this.pool.query(
      `UPDATE ${T.messages} SET locked_until = NULL, claim_token = NULL WHERE id = $1 AND claim_token = $2`,
      [message.id, message.claimToken],
    );
  }

  /** When something next needs doing: a message becoming claimable or a schedule tick. */
  async nextWakeAt(): Promise<number | null> {
    const { rows } = await this.pool.query(
      `SELECT LEAST(
         (SELECT min(GREATEST(due_at, COALESCE(locked_until, 0))) FROM ${T.messages}),
         (SELECT min(next_run_at) FROM ${T.schedules} WHERE NOT is_paused)) AS at`,
    );
    return numOrNull(rows[0]?.at);
  }

  /** Whether a message we could claim, or a schedule tick, is due now. */
  async hasWorkDue(nowMs: number, inFlight: string[]): Promise<boolean> {
    const { rows } = await this.pool.query(
      `SELECT EXISTS (
         SELECT 1 FROM ${T.messages}
         WHERE due_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) AND NOT (id = ANY($2))
       ) OR EXISTS (
         SELECT 1 FROM ${T.schedules} WHERE NOT is_paused AND next_run_at <= $1
       ) AS due`,
      [nowMs, inFlight],
    );
    return rows[0]?.due === true;
  }

  /** Creates a schedule, or updates the one with this id (keeping its creation time and pause). */
  async upsertSchedule(s: ScheduleSpec): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${T.schedules} (id, cron, destination, method, headers, body, max_retries, delay_ms,
         timeout_ms, retry_delay, callback, failure_callback, label, caller_ip, created_at, next_run_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (id) DO UPDATE SET cron = EXCLUDED.cron, destination = EXCLUDED.destination,
         method = EXCLUDED.method, headers = EXCLUDED.headers, body = EXCLUDED.body,
         max_retries = EXCLUDED.max_retries, delay_ms = EXCLUDED.delay_ms,
         timeout_ms = EXCLUDED.timeout_ms, retry_delay = EXCLUDED.retry_delay,
         callback = EXCLUDED.callback, failure_callback = EXCLUDED.failure_callback,
         label = EXCLUDED.label, caller_ip = EXCLUDED.caller_ip, next_run_at = EXCLUDED.next_run_at`,
      [
        s.id,
        s.cron,
        s.destination,
        s.method,
        json(s.headers),
        s.body,
        s.maxRetries,
        s.delayMs,
        s.timeoutMs,
        s.retryDelay,
        json(s.callback),
        json(s.failureCallback),
        s.label,
        s.callerIp,
        s.createdAt,
        s.nextRunAt,
      ],
    );
  }

  async getSchedule(id: string): Promise<StoredSchedule | null> {
    const { rows } = await this.pool.query(`SELECT * FROM ${T.schedules} WHERE id = $1`, [id]);
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  async listSchedules(): Promise<StoredSchedule[]> {
    const { rows } = await this.pool.query(`SELECT * FROM ${T.schedules} ORDER BY created_at, id`);
    return rows.map(toSchedule);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    const result = await this.pool.query(`DELETE FROM ${T.schedules} WHERE id = $1`, [id]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Pauses or resumes; a resumed schedule's next tick is recomputed so missed ticks don't fire. */
  async setPaused(id: string, paused: boolean, nextRunAt: (s: StoredSchedule) => number) {
    return this.transaction(async (c) => {
      const { rows } = await c.query(`SELECT * FROM ${T.schedules} WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows[0]) return false;
      const schedule = toSchedule(rows[0]);
      await c.query(`UPDATE ${T.schedules} SET is_paused = $2, next_run_at = $3 WHERE id = $1`, [
        id,
        paused,
        paused ? schedule.nextRunAt : nextRunAt(schedule),
      ]);
      return true;
    });
  }

  /**
   * Fires every due schedule once: stores the message `plan` builds and moves the schedule to
   * its next tick, atomically, skipping schedules another emulator is firing right now.
   */
  async fireDueSchedules(
    nowMs: number,
    plan: (s: StoredSchedule) => { message: NewMessage; nextRunAt: number },
  ): Promise<number> {
    return this.transaction(async (c) => {
      const { rows } = await c.query(
        `SELECT * FROM ${T.schedules} WHERE NOT is_paused AND next_run_at <= $1
         ORDER BY next_run_at FOR UPDATE SKIP LOCKED`,
        [nowMs],
      );
      for (const row of rows) {
        const { message, nextRunAt } = plan(toSchedule(row));
        await this.insertMessage(c, message);
        await c.query(
          `UPDATE ${T.schedules} SET next_run_at = $2, last_run_at = $3, last_message_id = $4 WHERE id = $1`,
          [row.id, nextRunAt, nowMs, message.id],
        );
      }
      return rows.length;
    });
  }

  /** A page of DLQ entries; `offset` is the cursor. */
  async listDlq(
    filter: Filter,
    page: { count: number; offset: number; order: 'latestFirst' | 'earliestFirst' },
  ): Promise<{ entries: DlqEntry[]; more: boolean }> {
    const params: unknown[] = [];
    const where = whereClause(filter, 'dlq_id', params);
    const direction = page.order === 'earliestFirst' ? 'ASC' : 'DESC';
    params.push(page.count + 1, page.offset);
    const { rows } = await this.pool.query(
      `SELECT * FROM ${T.dlq} ${where} ORDER BY dlq_at ${direction}, dlq_id ${direction}
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { entries: rows.slice(0, page.count).map(toDlq), more: rows.length > page.count };
  }

  async getDlq(dlqId: string): Promise<DlqEntry | null> {
    const { rows } = await this.pool.query(`SELECT * FROM ${T.dlq} WHERE dlq_id = $1`, [dlqId]);
    return rows[0] ? toDlq(rows[0]) : null;
  }

  /** Deletes up to `limit` DLQ entries matching the filter (oldest first). */
  async deleteDlq(filter: Filter, limit: number | null): Promise<number> {
    const params: unknown[] = [];
    const where = whereClause(filter, 'dlq_id', params);
    const limitSql = limitClause(limit, params);
    const result = await this.pool.query(
      `DELETE FROM ${T.dlq} WHERE dlq_id IN (SELECT dlq_id FROM ${T.dlq} ${where} ORDER BY dlq_at ${limitSql})`,
      params,
    );
    return result.rowCount ?? 0;
  }

  /** Republishes DLQ entries as new messages and removes them from the DLQ, atomically. */
  async retryDlq(
    filter: Filter,
    limit: number | null,
    republish: (entry: DlqEntry) => NewMessage,
  ): Promise<{ dlqId: string; messageId: string }[]> {
    return this.transaction(async (c) => {
      const params: unknown[] = [];
      const where = whereClause(filter, 'dlq_id', params);
      const limitSql = limitClause(limit, params);
      const { rows } = await c.query(
        `DELETE FROM ${T.dlq} WHERE dlq_id IN (
           SELECT dlq_id FROM ${T.dlq} ${where} ORDER BY dlq_at ${limitSql} FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        params,
      );
      const results: { dlqId: string; messageId: string }[] = [];
      for (const row of rows) {
        const message = republish(toDlq(row));
        await this.insertMessage(c, message);
        results.push({ dlqId: row.dlq_id as string, messageId: message.id });
      }
      return results;
    });
  }
}

/** `LIMIT $n` with its parameter appended, or nothing for "no limit". */
function limitClause(limit: number | null, params: unknown[]): string {
  if (limit === null) return '';
  params.push(limit);
  return `LIMIT $${params.length}`;
}
