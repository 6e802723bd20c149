import type { ExecutionStatus, ExecutionTrigger, PipelineOperations, PipelineVersion } from '../core/pipelines/execution-model.js';
import type { ParamValue } from '../core/pipelines/pipeline-model.js';

/** What the scheduler needs from the pipeline engine. */
export interface SchedulerPipelines {
  /** The latest version; RESOURCE_DOES_NOT_EXIST for an unknown pipeline. */
  getPipeline(name: string): Promise<PipelineVersion>;
  /** Every pipeline's name (for reconciling schedules at start). */
  listPipelineNames(): Promise<string[]>;
  startExecution(pipelineName: string, params: Readonly<Record<string, ParamValue>>, trigger: ExecutionTrigger): Promise<{ readonly executionId: string }>;
  /** Undefined when the execution does not exist. */
  executionStatus(executionId: string): Promise<ExecutionStatus | undefined>;
  /** An execution of the pipeline started with exactly this trigger detail (recovery after a crash). */
  findExecution(pipelineName: string, triggerDetail: string): Promise<string | undefined>;
}

/** How far back recovery looks for an execution a crashed fire may have started. */
const RECOVERY_SCAN = 200;

/** {@link SchedulerPipelines} over the engine's {@link PipelineOperations}. */
export function schedulerPipelinesOf(pipelines: PipelineOperations, actor = 'scheduler'): SchedulerPipelines {
  return {
    getPipeline: (name) => pipelines.getPipeline(name),
    async listPipelineNames() {
      const names: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await pipelines.listPipelines({ maxResults: 1000, pageToken });
        names.push(...page.items.map((p) => p.name));
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
      return names;
    },
    async startExecution(pipelineName, params, trigger) {
      const execution = await pipelines.startExecution({ pipelineName, params, trigger }, actor);
      return { executionId: execution.executionId };
    },
    async executionStatus(executionId) {
      try {
        return (await pipelines.getExecution(executionId)).status;
      } catch {
        return undefined;
      }
    },
    async findExecution(pipelineName, triggerDetail) {
      const page = await pipelines.listExecutions({ pipelineName, maxResults: RECOVERY_SCAN });
      return page.items.find((e) => e.trigger.type === 'schedule' && e.trigger.detail === triggerDetail)?.executionId;
    },
  };
}
