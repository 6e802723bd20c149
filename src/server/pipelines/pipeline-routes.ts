import { Type } from '@sinclair/typebox';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import { EXECUTION_STATUSES, type ExecutionStatus, type PipelineOperations, type UpsertPipelineInput } from '../../core/pipelines/execution-model.js';
import { Bool, Int64, Required } from '../http/proto-schema.js';
import { mlflowRoute, type MlflowRoute } from '../mlflow/mlflow-route.js';
import { withPageToken } from '../mlflow/wire-format.js';
import { wireExecution, wireLogChunk, wirePipelineSummary, wirePipelineVersion } from './pipeline-wire-format.js';

/** The largest pipeline source accepted, in characters (a YAML file, or the JSON model as text). */
export const MAX_PIPELINE_SOURCE_LENGTH = 1024 * 1024;

const SOURCE_FORMATS = ['yaml', 'typescript', 'json'] as const;
type SourceFormat = (typeof SOURCE_FORMATS)[number];

const PipelineName = Required(Type.String({ description: 'Pipeline name.' }));
const ExecutionId = Required(Type.String({ description: 'Execution id.' }));
const PageFields = {
  max_results: Type.Optional(Int64('Page size: 1-1000 (default 100).')),
  page_token: Type.Optional(Type.String({ description: 'The next_page_token of the previous page.' })),
};
/** YAML text, or the JSON model (an object, or its JSON text). */
const Source = Type.Unsafe<unknown>({
  type: ['string', 'object'],
  minLength: 1,
  maxLength: MAX_PIPELINE_SOURCE_LENGTH,
  description: "The pipeline: YAML text (source_format 'yaml'), or the validated JSON model (source_format 'json' or 'typescript').",
});
/** Param overrides: typed JSON values, or strings as `-p key=value` gives them; checked against the params' types. */
const Params = Type.Unsafe<Record<string, string | number | boolean>>({
  type: 'object',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
  description: 'Param overrides by name: typed values (200, true) or strings ("200"), type-checked against the pipeline.',
});

/**
 * Slipway's pipelines API (`/api/slipway/v1`, mirrored under `/ajax-api/slipway/v1`):
 * pipeline versions (upsert by content hash), executions (start, list, get, cancel, retry)
 * and step logs. Definition and parameter problems are 400 INVALID_PARAMETER_VALUE whose
 * message lists them as `file:line:col: …` (`details.issues` has them one by one).
 */
export function pipelineRoutes(pipelines: PipelineOperations): MlflowRoute[] {
  return [
    mlflowRoute({
      methods: ['POST'],
      path: '/pipelines',
      summary: 'Create or update a pipeline: validates it and stores a new version when its content hash is new',
      request: Type.Object({
        source: Source,
        source_format: Required(Type.String({ description: 'yaml, typescript or json.' })),
        file_name: Type.Optional(Type.String({ maxLength: 4096, description: 'The file name error messages show (pipeline.yaml:14:9: …).' })),
        code_dir: Type.Optional(
          Type.String({ maxLength: 4096, description: "A directory on the server's machine with the steps' code, snapshotted when an execution starts." }),
        ),
      }),
      handler: async (r, c) => {
        const input: UpsertPipelineInput = {
          source: sourceFor(sourceFormat(r.source_format), r.source),
          sourceFormat: sourceFormat(r.source_format),
          fileName: emptyToUndefined(r.file_name),
          codeDir: emptyToUndefined(r.code_dir),
        };
        const { pipeline, created } = await pipelines.upsertPipeline(input, c.actor);
        return { pipeline: wirePipelineVersion(pipeline), created };
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/pipelines',
      summary: 'List pipelines with their latest version and last execution',
      request: Type.Object({ ...PageFields }),
      handler: async (r) => {
        const page = await pipelines.listPipelines({ maxResults: maxResults(r.max_results), pageToken: emptyToUndefined(r.page_token) });
        return withPageToken({ pipelines: page.items.map(wirePipelineSummary) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/pipelines/:name',
      summary: 'A pipeline version (default: the latest) with its definition and source',
      request: Type.Object({ name: PipelineName, version: Type.Optional(Int64('Version number (default: the latest).')) }),
      handler: async (r) => ({ pipeline: wirePipelineVersion(await pipelines.getPipeline(r.name, positive(r.version, 'version'))) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/pipelines/:name/executions',
      summary: 'Start an execution of a pipeline version (default: the latest); returns at once, queued',
      request: Type.Object({
        name: PipelineName,
        version: Type.Optional(Int64('Version number (default: the latest).')),
        params: Type.Optional(Params),
        code_dir: Type.Optional(Type.String({ maxLength: 4096, description: 'Overrides the code directory recorded with the pipeline.' })),
      }),
      handler: async (r, c) => {
        const execution = await pipelines.startExecution(
          {
            pipelineName: r.name,
            version: positive(r.version, 'version'),
            params: r.params ?? {},
            trigger: { type: 'api' },
            codeDir: emptyToUndefined(r.code_dir),
          },
          c.actor,
        );
        return { execution: wireExecution(execution) };
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/executions',
      summary: 'List executions, newest first',
      request: Type.Object({
        pipeline: Type.Optional(Type.String({ description: "Only this pipeline's executions." })),
        status: Type.Optional(Type.String({ description: `Only executions in this status: ${EXECUTION_STATUSES.join(', ')}.` })),
        ...PageFields,
      }),
      handler: async (r) => {
        const page = await pipelines.listExecutions({
          pipelineName: emptyToUndefined(r.pipeline),
          status: executionStatus(r.status),
          maxResults: maxResults(r.max_results),
          pageToken: emptyToUndefined(r.page_token),
        });
        return withPageToken({ executions: page.items.map(wireExecution) }, page.nextPageToken);
      },
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/executions/:execution_id',
      summary: 'An execution with its steps, attempts, outputs, metrics and artifacts',
      request: Type.Object({ execution_id: ExecutionId }),
      handler: async (r) => ({ execution: wireExecution(await pipelines.getExecution(r.execution_id)) }),
    }),
    mlflowRoute({
      methods: ['GET'],
      path: '/executions/:execution_id/logs',
      summary: "A chunk of a step attempt's log, from a byte offset; read on from next_offset until complete",
      request: Type.Object({
        execution_id: ExecutionId,
        step: Required(Type.String({ description: 'Step id.' })),
        instance: Type.Optional(Type.String({ description: 'A matrix instance key (region=north,depth=3).' })),
        attempt: Type.Optional(Int64('Attempt number (default: the latest).')),
        offset: Type.Optional(Int64('Byte offset to read from (default 0).')),
        max_bytes: Type.Optional(Int64('Read at most this many bytes.')),
      }),
      handler: async (r) =>
        wireLogChunk(
          await pipelines.readLogs(r.execution_id, {
            stepId: r.step,
            instance: emptyToUndefined(r.instance),
            attempt: positive(r.attempt, 'attempt'),
            offset: nonNegative(r.offset, 'offset'),
            maxBytes: positive(r.max_bytes, 'max_bytes'),
          }),
        ),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/executions/:execution_id/cancel',
      summary: 'Cancel an execution: running steps are killed; nothing happens to a finished one',
      request: Type.Object({ execution_id: ExecutionId }),
      handler: async (r, c) => ({ execution: wireExecution(await pipelines.cancelExecution(r.execution_id, c.actor)) }),
    }),
    mlflowRoute({
      methods: ['POST'],
      path: '/executions/:execution_id/retry',
      summary:
        'Retry a failed or cancelled execution as a new one: succeeded steps are reused, the others run again (with the latest pipeline version when latest is true)',
      request: Type.Object({
        execution_id: ExecutionId,
        latest: Type.Optional(Bool('Use the latest pipeline version rather than the execution’s (default false).')),
      }),
      handler: async (r, c) => ({ execution: wireExecution(await pipelines.retryExecution(r.execution_id, { latest: r.latest ?? false }, c.actor)) }),
    }),
  ];
}

function sourceFormat(value: string): SourceFormat {
  const found = SOURCE_FORMATS.find((f) => f === value.trim().toLowerCase());
  if (found === undefined) {
    throw SlipwayError.invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter 'source_format' supplied: it must be yaml, typescript or json.`);
  }
  return found;
}

/** YAML is text; the JSON model is an object (its JSON text is parsed here). */
function sourceFor(format: SourceFormat, source: unknown): unknown {
  if (format === 'yaml') {
    if (typeof source !== 'string') {
      throw SlipwayError.invalidParameter("Invalid value for parameter 'source' supplied: with source_format 'yaml' it must be the YAML text (a string).");
    }
    return source;
  }
  if (typeof source !== 'string') return source;
  try {
    return JSON.parse(source) as unknown;
  } catch (e) {
    throw SlipwayError.invalidParameter(
      `Invalid value for parameter 'source' supplied: with source_format '${format}' it must be the JSON model (an object or its JSON text): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function executionStatus(value: string | undefined): ExecutionStatus | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const found = EXECUTION_STATUSES.find((s) => s === value.trim().toLowerCase());
  if (found === undefined) {
    throw SlipwayError.invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter 'status' supplied: it must be one of ${EXECUTION_STATUSES.join(', ')}.`);
  }
  return found;
}

function maxResults(value: number | undefined): number | undefined {
  if (value !== undefined && (value < 1 || value > 1000)) {
    throw SlipwayError.invalidParameter(`Invalid value ${value} for parameter 'max_results' supplied: it must be between 1 and 1000.`);
  }
  return value;
}

function positive(value: number | undefined, field: string): number | undefined {
  if (value !== undefined && value < 1) throw SlipwayError.invalidParameter(`Invalid value ${value} for parameter '${field}' supplied: it must be a positive integer.`);
  return value;
}

function nonNegative(value: number | undefined, field: string): number | undefined {
  if (value !== undefined && value < 0) throw SlipwayError.invalidParameter(`Invalid value ${value} for parameter '${field}' supplied: it must not be negative.`);
  return value;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
