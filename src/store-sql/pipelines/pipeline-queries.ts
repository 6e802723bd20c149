import type { Kysely, Selectable } from 'kysely';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { PipelineSummary, PipelineVersion } from '../../core/pipelines/execution-model.js';
import type { PipelineDefinition } from '../../core/pipelines/pipeline-model.js';
import type { NewPipelineVersion } from '../../core/ports/pipeline-store.js';
import type { Page, Paging } from '../../core/ports/tracking-store.js';
import type { Database, PipelineVersionsTable } from '../database-schema.js';
import { isUniqueViolation } from './unique-violation.js';

type Db = Kysely<Database>;

/**
 * Stores a version when the hash is new for the name. A concurrent upsert of the same
 * content (or of another version racing for the same number) loses on the unique
 * constraint; the loser reads again and either finds the content stored or retries.
 */
export async function upsertVersion(db: Db, input: NewPipelineVersion): Promise<{ pipeline: PipelineVersion; created: boolean }> {
  for (let round = 0; ; round++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('pipeline_versions')
          .selectAll()
          .where('name', '=', input.name)
          .where('hash', '=', input.hash)
          .executeTakeFirst();
        if (existing !== undefined) {
          if (input.codeDir !== undefined) {
            await trx.updateTable('pipelines').set({ code_dir: input.codeDir }).where('name', '=', input.name).execute();
          }
          return { pipeline: toVersion(existing), created: false };
        }
        const pipeline = await trx.selectFrom('pipelines').select('latest_version').where('name', '=', input.name).executeTakeFirst();
        const version = (pipeline?.latest_version ?? 0) + 1;
        if (pipeline === undefined) {
          await trx
            .insertInto('pipelines')
            .values({
              name: input.name,
              description: input.description ?? null,
              latest_version: version,
              latest_hash: input.hash,
              code_dir: input.codeDir ?? null,
              created_time: input.createdTime,
              updated_time: input.createdTime,
            })
            .execute();
        } else {
          await trx
            .updateTable('pipelines')
            .set({
              description: input.description ?? null,
              latest_version: version,
              latest_hash: input.hash,
              updated_time: input.createdTime,
              ...(input.codeDir === undefined ? {} : { code_dir: input.codeDir }),
            })
            .where('name', '=', input.name)
            .where('latest_version', '=', version - 1)
            .execute();
        }
        const row: PipelineVersionsTable = {
          name: input.name,
          version,
          hash: input.hash,
          definition: JSON.stringify(input.definition),
          source_format: input.sourceFormat,
          source_text: input.sourceText ?? null,
          created_time: input.createdTime,
          created_by: input.createdBy,
        };
        await trx.insertInto('pipeline_versions').values(row).execute();
        return { pipeline: toVersion(row), created: true };
      });
    } catch (e) {
      if (round < 5 && isUniqueViolation(e)) continue;
      throw e;
    }
  }
}

export async function fetchVersion(db: Db, name: string, version?: number): Promise<PipelineVersion> {
  let query = db.selectFrom('pipeline_versions').selectAll().where('name', '=', name);
  query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  if (row === undefined) {
    throw SlipwayError.notFound(
      version === undefined ? `Pipeline '${name}' does not exist.` : `Pipeline '${name}' has no version ${version}.`,
    );
  }
  return toVersion(row);
}

export async function fetchCodeDir(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('pipelines').select('code_dir').where('name', '=', name).executeTakeFirst();
  if (row === undefined) throw SlipwayError.notFound(`Pipeline '${name}' does not exist.`);
  return row.code_dir ?? undefined;
}

export async function listPipelines(db: Db, paging: Paging): Promise<Page<PipelineSummary>> {
  const rows = await db
    .selectFrom('pipelines')
    .selectAll()
    .orderBy('name')
    .limit(paging.limit + 1)
    .offset(paging.offset)
    .execute();
  const page = rows.slice(0, paging.limit);
  const summaries: PipelineSummary[] = [];
  for (const row of page) {
    const last = await db
      .selectFrom('pipeline_executions')
      .select(['execution_id', 'status', 'created_time'])
      .where('pipeline_name', '=', row.name)
      .orderBy('execution_id', 'desc')
      .limit(1)
      .executeTakeFirst();
    summaries.push({
      name: row.name,
      ...(row.description === null ? {} : { description: row.description }),
      latestVersion: row.latest_version,
      latestHash: row.latest_hash,
      createdTime: row.created_time,
      updatedTime: row.updated_time,
      ...(last === undefined
        ? {}
        : { lastExecution: { executionId: last.execution_id, status: last.status as never, createdTime: last.created_time } }),
    });
  }
  return { items: summaries, hasMore: rows.length > paging.limit };
}

function toVersion(row: Selectable<PipelineVersionsTable>): PipelineVersion {
  return {
    name: row.name,
    version: row.version,
    hash: row.hash,
    definition: JSON.parse(row.definition) as PipelineDefinition,
    sourceFormat: row.source_format as PipelineVersion['sourceFormat'],
    ...(row.source_text === null ? {} : { sourceText: row.source_text }),
    createdTime: row.created_time,
    createdBy: row.created_by,
  };
}
